"""AP-C3: the standard length is guidance (another length needs a stated reason and is flagged
to the reviewers); three years, extensions included, stays the hard limit."""

import io
import re

import pytest
import sqlalchemy as sa

from portal.models import Organisation, Programme, ReviewState, Role
from portal.rules import MAX_DURATION_YEARS
from tests.factories import make_org, make_user
from tests.programme_factories import (
    PDF,
    form_data,
    make_institution,
    make_occupation,
    make_programme,
    plan,
)

REASON = "学徒已具备中级基础，弹性学制下可提前修满学分"
LIMIT_MONTHS = MAX_DURATION_YEARS * 12


@pytest.fixture
def setting(db):
    occupation = make_occupation()
    institution = make_institution([occupation])
    enterprise = make_org(state=ReviewState.APPROVED)
    return occupation, institution, make_user(Role.ENTERPRISE, org=enterprise)


def _post_new(client, data):
    posted = dict(form_data(data), agreement=(io.BytesIO(PDF), "合作协议.pdf"))
    return client.post("/enterprise/programmes/new", data=posted,
                       content_type="multipart/form-data")


def _field_error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error" class="field-error">([^<]*)<', page)
    return found.group(1) if found else ""


def _row(queue: str, programme: Programme) -> str:
    row = queue[queue.index(f'id="programme-{programme.id}"'):]
    return row[:row.index("</tr>")]


def _programmes(db) -> list[Programme]:
    return list(db.session.scalars(sa.select(Programme)))


def test_AP_C3_shorter_plan_needs_reason(client, login, db, setting):
    occupation, institution, owner = setting
    login(owner)
    page = _post_new(client, plan(occupation, institution, duration_months=6)).get_data(as_text=True)
    # Refused for the missing reason only, said beside the reason field the page now shows.
    assert 'name="extension_reason"' in page
    assert "AP-C3" in _field_error(page, "extension_reason")
    assert _field_error(page, "duration_months") == ""
    assert _programmes(db) == []


def test_AP_C3_plan_with_reason_submits_and_is_flagged(client, login, db, setting):
    occupation, institution, owner = setting
    login(owner)
    response = _post_new(client, plan(occupation, institution, duration_months=6,
                                      extension_reason=REASON))
    assert response.status_code == 302, response.get_data(as_text=True)
    [programme] = _programmes(db)
    assert programme.duration_months == 6 and programme.extension_reason == REASON
    client.post("/logout")
    login(make_user(Role.INSTITUTION, org=institution))
    client.post(f"/institution/programmes/{programme.id}/confirm")
    client.post("/logout")
    login(owner)
    client.post(f"/enterprise/programmes/{programme.id}/submit")
    db.session.refresh(programme)
    assert programme.state == ReviewState.SUBMITTED
    client.post("/logout")

    standard = make_programme(occupation=occupation, institution=institution)
    login(make_user(Role.DISTRICT, district=programme.district_code))
    queue = client.get("/district/programmes").get_data(as_text=True)
    assert "AP-C3" in _row(queue, programme) and REASON in _row(queue, programme)
    assert "AP-C3" not in _row(queue, standard)
    detail = client.get(f"/district/programmes/{programme.id}").get_data(as_text=True)
    assert "非标准培养期限" in detail and REASON in detail
    # The row an inline decision swaps back carries the flag too.
    swapped = client.post(f"/district/programmes/{programme.id}/review",
                          data={"decision": "return", "comment": ""}, htmx=True)
    assert "AP-C3" in swapped.get_data(as_text=True)


def test_AP_C3_over_three_years_still_refused(client, login, db, setting):
    occupation, institution, owner = setting
    login(owner)
    longest = plan(occupation, institution, level="advanced", duration_months=LIMIT_MONTHS,
                   extension_reason="设备改造", centralised_hours=400, on_job_hours=400)
    page = _post_new(client, dict(longest, duration_months=LIMIT_MONTHS + 1)).get_data(as_text=True)
    # A reason does not help: the error sits on the length and says extensions count.
    error = _field_error(page, "duration_months")
    assert "AP-C3" in error and f"含延期最长不超过{MAX_DURATION_YEARS}年" in error
    assert _programmes(db) == []
    assert _post_new(client, longest).status_code == 302


def test_AP_C3_reason_field_follows_the_length_live(client, login, db, setting):
    occupation, institution, owner = setting
    login(owner)
    url = "/enterprise/programmes/duration-reason?level=intermediate&duration_months="
    shorter = client.hx_get(url + "6").get_data(as_text=True)
    assert "<html" not in shorter and 'name="extension_reason"' in shorter and "AP-C3" in shorter
    standard = client.hx_get(url + "12").get_data(as_text=True)
    assert 'id="duration-reason"' in standard and 'name="extension_reason"' not in standard
    # A standard plan opens without the field, a flagged one with its reason filled in.
    page = client.get("/enterprise/programmes/new").get_data(as_text=True)
    assert 'name="extension_reason"' not in page
    flagged = make_programme(state=ReviewState.DRAFT, occupation=occupation,
                             institution=institution, duration_months=6, extension_reason=REASON,
                             enterprise=db.session.get(Organisation, owner.org_id))
    edit = client.get(f"/enterprise/programmes/{flagged.id}/edit").get_data(as_text=True)
    assert 'name="extension_reason"' in edit and REASON in edit
