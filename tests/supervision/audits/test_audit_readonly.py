"""AP-V4, HS-W10: the auditor is read-only everywhere. Every route of the portal but the
auth blueprint's (sign out, change password) answers an auditor's POST with 403, 404 or
405, never a success or a redirect to one; the auditor's pages render no form that posts,
but the sign-out."""

import re

from portal.models import AuditLog, Enrolment
from tests.enrolment_factories import make_enrolment
from tests.supervision.audits.audit_helpers import (
    approved_programme,
    grant,
    make_auditor,
    make_firm,
)

REFUSED = {403, 404, 405}
SKIPPED_BLUEPRINTS = {"auth", "static"}


def _url(rule, ids) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        if "Integer" in converter or "Int" in converter:
            values[name] = ids.get(name, 1)
        elif name == "job_id":
            values[name] = "a" * 32
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def test_AP_V4_auditor_post_anywhere_is_refused(app, client, login, db):
    firm = make_firm()
    programme = approved_programme()
    enrolment = make_enrolment(programme=programme)
    grant(firm, programme=programme)
    grant(firm, year=programme.start_date.year)
    login(make_auditor(firm))
    ids = {"programme_id": programme.id, "enrolment_id": enrolment.id}
    before = db.session.query(AuditLog).count()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in SKIPPED_BLUEPRINTS or rule.endpoint == "static":
            continue
        url = _url(rule, ids)
        response = client.post(url, data={"comment": "x", "reason": "x"})
        assert response.status_code in REFUSED, (rule.endpoint, url, response.status_code)
        checked += 1
    assert checked > 100
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).state == enrolment.state
    assert db.session.query(AuditLog).count() == before  # nothing was changed


def test_AP_V4_auditor_pages_offer_no_form_that_posts(client, login):
    firm = make_firm()
    programme = approved_programme()
    make_enrolment(programme=programme)
    grant(firm, programme=programme)
    login(make_auditor(firm))
    for url in ("/auditor/", f"/auditor/programmes/{programme.id}"):
        page = client.get(url).get_data(as_text=True)
        actions = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page)
        actions += re.findall(r'<form[^>]*action="([^"]*)"[^>]*method="post"', page)
        assert set(actions) <= {"/logout"}, (url, actions)
        outside_logout = re.sub(r'<form[^>]*action="/logout".*?</form>', "", page, flags=re.S)
        assert "hx-post" not in outside_logout, url
        # No edit, submit or delete buttons: the only buttons are sign-out and filters (GET).
        buttons = re.findall(r"<button[^>]*>(.*?)</button>", outside_logout, re.S)
        assert not [b for b in buttons if re.search("修改|编辑|提交|删除|保存|撤销", b)], buttons
        assert "下载证据包" in page
