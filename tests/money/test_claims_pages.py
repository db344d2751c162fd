"""Subsidy claims through the screens (AP-W3, AP-$3, AP-$4, C-REV, C-DIST, C-PII)."""

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Claim, ClaimState, Recovery, Verdict
from portal.rules import mask_resident_id
from tests.factories import log_in as _log_in
from tests.money.claim_helpers import (
    assessed,
    centre,
    district_of,
    owner_of,
    paid_first_claim,
)
from tests.money_factories import approved_programme, established


def log_in(client, user):
    """Log out whoever is in, then `user` in (the login form ignores a logged-in session)."""
    client.post("/logout")
    return _log_in(client, user)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _claims():
    return db.session.scalars(sa.select(Claim).order_by(Claim.id)).all()


def _new_claim(client, programme, kind: str) -> Claim:
    response = client.post(f"/enterprise/programmes/{programme.id}/claims/{kind}")
    assert response.status_code == 302
    claim_id = int(re.search(r"/claims/(\d+)$", response.headers["Location"]).group(1))
    return db.session.get(Claim, claim_id)


def _figures(page: str) -> str:
    """The claim lines' table with thousands separators removed, for amount checks."""
    table = page[page.index('id="claim-lines"'):]
    return table[:table.index("</table>")].replace(",", "")


def test_AP_4_first_claim_through_the_screens_with_C_REV_reviews(app, client):
    """AP-$4, C-REV, C-PII: the enterprise builds and submits a first claim on screen; the
    district returns it without a comment (refused), approves it inline; the centre
    approves. IDs are masked on the claim page."""
    programme = approved_programme()
    enrolment, _ = established(programme)
    owner = owner_of(programme)
    log_in(client, owner)
    page = _text(client.get(f"/enterprise/programmes/{programme.id}/claims"))
    assert "新建首次补贴申请" in page and "首次补贴申请拨付后才能申请剩余补贴" in page
    claim = _new_claim(client, programme, "first")
    detail = _text(client.get(f"/enterprise/claims/{claim.id}"))
    from portal.models import Apprentice

    person = db.session.get(Apprentice, enrolment.apprentice_id)
    assert mask_resident_id(person.resident_id) in detail and person.resident_id not in detail
    assert "2500" in _figures(detail)
    assert client.post(f"/enterprise/claims/{claim.id}/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == ClaimState.SUBMITTED

    log_in(client, district_of(programme))
    queue = _text(client.get("/district/claims"))
    assert claim.number in queue
    refused = client.post(f"/district/claims/{claim.id}/review", htmx=True,
                          data={"decision": "return", "comment": ""})
    assert "C-REV" in _text(refused)
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == ClaimState.SUBMITTED
    ok = client.post(f"/district/claims/{claim.id}/review", htmx=True,
                     data={"decision": "approve", "comment": ""})
    assert ok.status_code == 200 and "HX-Trigger" in ok.headers

    log_in(client, centre())
    assert claim.number in _text(client.get("/center/claims"))
    client.post(f"/center/claims/{claim.id}/review", data={"decision": "approve"})
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == ClaimState.APPROVED


def test_C_DIST_other_district_gets_404(app, client):
    """C-DIST: a reviewer of another district neither sees nor decides the claim."""
    programme = approved_programme()
    established(programme)
    owner = owner_of(programme)
    log_in(client, owner)
    claim = _new_claim(client, programme, "first")
    client.post(f"/enterprise/claims/{claim.id}/submit")
    from portal.models import Role
    from tests.factories import make_user

    log_in(client, make_user(Role.DISTRICT, district="110108"))
    assert client.get(f"/district/claims/{claim.id}").status_code == 404
    assert client.post(f"/district/claims/{claim.id}/review",
                       data={"decision": "approve"}).status_code == 404
    assert claim.number not in _text(client.get("/district/claims?state=all"))


def test_AP_W4_second_first_claim_button_says_why(app, client):
    """AP-W4: once every apprentice is held the button is disabled with the reason, and a
    forced POST is refused: no second claim."""
    programme = approved_programme()
    established(programme)
    log_in(client, owner_of(programme))
    _new_claim(client, programme, "first")
    page = _text(client.get(f"/enterprise/programmes/{programme.id}/claims"))
    assert "没有可申请的学徒" in page
    client.post(f"/enterprise/programmes/{programme.id}/claims/first")
    assert len(_claims()) == 1


def test_AP_4_final_claim_acceptance_figures_on_the_claim_page(app, client):
    """AP-$3, AP-$4 acceptance figures on screen (ordinary 中级): passed without certificate
    4,250 / 1,750 (with the certificate warning), with certificate 5,000 / 2,500, failed
    −2,500, then after centre approval a recovery of 2,500."""
    programme = approved_programme()
    plain, _ = established(programme)
    certified, _ = established(programme)
    failed, _ = established(programme)
    paid_first_claim(programme)
    assessed(plain, Verdict.PASSED)
    assessed(certified, Verdict.PASSED, certified=True)
    assessed(failed, Verdict.FAILED)
    log_in(client, owner_of(programme))
    claim = _new_claim(client, programme, "final")
    page = _text(client.get(f"/enterprise/claims/{claim.id}"))
    figures = _figures(page)
    for row in (("4250", "2500", "1750"), ("5000", "2500", "2500"), ("0", "2500", "-2500")):
        assert re.search(r"<td class=\"num\">{}</td><td class=\"num\">{}</td>\s*<td class=\"num\">"
                         r"(<span class=\"warning\">)?{}".format(*row), figures), row
    assert 'id="certificate-warning"' in page and "AP-$3" in page
    # Totals from the claim row: 1,750 + 2,500 to pay, 2,500 to recover.
    assert 'id="claim-payable">4,250<' in page and 'id="claim-recoverable">2,500<' in page
    client.post(f"/enterprise/claims/{claim.id}/submit")
    log_in(client, district_of(programme))
    client.post(f"/district/claims/{claim.id}/review", data={"decision": "approve"})
    log_in(client, centre())
    client.post(f"/center/claims/{claim.id}/review", data={"decision": "approve"})
    recoveries = db.session.scalars(sa.select(Recovery)).all()
    assert [(r.enrolment_id, r.amount) for r in recoveries] == [(failed.id, 2500)]


def test_AP_4_urgent_outside_scope_advanced_on_the_claim_page(app, client):
    """AP-$3: urgent occupation outside the assessment scope, 高级, passed → 16,000 / 8,000."""
    programme = approved_programme(level="advanced")
    enrolment, _ = established(programme, urgent=True, in_scope=False)
    paid_first_claim(programme)
    assessed(enrolment, Verdict.PASSED)
    log_in(client, owner_of(programme))
    claim = _new_claim(client, programme, "final")
    page = _text(client.get(f"/enterprise/claims/{claim.id}"))
    assert re.search(r">16000</td><td class=\"num\">8000</td>\s*<td class=\"num\">8000<",
                     _figures(page))
    assert 'id="certificate-warning"' not in page


def test_AP_V2_suspended_programme_cannot_enrol(app, client):
    """AP-V2: the district suspends on the programme page (reason required); the notice is
    shown; registering an apprentice is refused; lifting allows it again."""
    from portal.models import Enrolment
    from tests.enrolment_factories import post_registration

    programme = approved_programme()
    district = district_of(programme)
    log_in(client, district)
    page = _text(client.get(f"/district/programmes/{programme.id}"))
    assert "决定停训整改" in page
    client.post(f"/district/programmes/{programme.id}/suspend", data={"reason": " "})
    db.session.expire_all()
    assert programme.suspended_on is None
    client.post(f"/district/programmes/{programme.id}/suspend", data={"reason": "培训不规范"})
    db.session.expire_all()
    assert programme.suspended_on is not None
    log_in(client, owner_of(programme))
    page = _text(client.get(f"/enterprise/programmes/{programme.id}"))
    assert 'id="suspension-notice"' in page and "培训不规范" in page
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))
    response = post_registration(client, programme)
    assert "AP-V2" in _text(client.get(response.headers["Location"])
                            if response.status_code == 302 else response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == before
    claims_page = _text(client.get(f"/enterprise/programmes/{programme.id}/claims"))
    assert "项目停训期间不能申请补贴" in claims_page
    log_in(client, district)
    client.post(f"/district/programmes/{programme.id}/lift-suspension", data={})
    db.session.expire_all()
    assert programme.suspended_on is None
    from portal.models import AuditLog

    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "programme", AuditLog.object_id == programme.id)).all()
    assert actions[-2:] == ["suspend", "lift"]


def test_AP_V2_suspended_programme_cannot_claim_on_screen(app, client):
    """AP-V2: a forced POST for a new claim of a suspended programme writes nothing."""
    from datetime import date

    from portal.apprenticeship.programmes import suspension

    programme = approved_programme()
    established(programme)
    suspension.suspend(district_of(programme), programme, "拒不整改", date(2026, 12, 2))
    db.session.commit()
    log_in(client, owner_of(programme))
    response = client.post(f"/enterprise/programmes/{programme.id}/claims/first",
                           follow_redirects=True)
    assert "项目停训期间不能申请补贴" in _text(response)
    assert _claims() == []


def _submitted_claims(n: int) -> None:
    from portal.money import claims

    for _ in range(n):
        programme = approved_programme()
        established(programme)
        owner = owner_of(programme)
        claim = claims.create_first_claim(owner, programme)
        claims.submit(owner, claim)
        db.session.commit()


def test_claim_queue_queries_do_not_grow_with_rows(app, client, count_queries):
    """The district queue reads a constant number of queries (no N+1) at 2 and 8 claims."""
    reviewer = district_of(approved_programme())
    log_in(client, reviewer)
    counts = []
    for n in (2, 6):
        _submitted_claims(n)
        with count_queries() as statements:
            page = client.get("/district/claims")
        assert page.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
