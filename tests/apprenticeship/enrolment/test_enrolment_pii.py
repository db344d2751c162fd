"""C-PII: masked ID numbers and mobiles in every list, the audited full-ID view, and the
trainee's initial password shown once and never stored in clear (AP-W2)."""

import sqlalchemy as sa

from portal.accounts.passwords import verify_password
from portal.extensions import db
from portal.models import (
    Apprentice,
    AuditLog,
    EnrolmentState,
    Organisation,
    ReviewState,
    Role,
    User,
)
from portal.rules import mask_mobile, mask_resident_id
from tests.enrolment_factories import make_enrolment
from tests.factories import make_user
from tests.programme_factories import approved_enterprise_user, make_programme


def _owned_programme(owner):
    return make_programme(state=ReviewState.APPROVED,
                          enterprise=db.session.get(Organisation, owner.org_id))


def _person(enrolment) -> Apprentice:
    return db.session.get(Apprentice, enrolment.apprentice_id)


def _assert_masked(page: str, person: Apprentice) -> None:
    assert person.resident_id not in page and person.mobile not in page
    assert mask_resident_id(person.resident_id) in page and mask_mobile(person.mobile) in page


def test_C_PII_list_masks_id_and_phone(client, login):
    owner = approved_enterprise_user()
    programme = _owned_programme(owner)
    enrolment = make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    person = _person(enrolment)
    login(owner)
    _assert_masked(client.get(f"/enterprise/programmes/{programme.id}/apprentices")
                   .get_data(as_text=True), person)
    _assert_masked(client.get("/enterprise/enrolments").get_data(as_text=True), person)
    _assert_masked(client.get(f"/enterprise/enrolments/{enrolment.id}").get_data(as_text=True),
                   person)
    client.post("/logout")
    login(make_user(Role.DISTRICT, district="110105"))
    _assert_masked(client.get("/district/enrolments").get_data(as_text=True), person)
    _assert_masked(client.hx_get("/district/enrolments?status=all").get_data(as_text=True), person)
    _assert_masked(client.get(f"/district/enrolments/{enrolment.id}").get_data(as_text=True), person)
    row = client.post(f"/district/enrolments/{enrolment.id}/review",
                      data={"decision": "return", "comment": "请核对"}, htmx=True)
    _assert_masked(row.get_data(as_text=True), person)


def test_C_PII_full_id_view_is_audited(client, login):
    enrolment = make_enrolment(EnrolmentState.SUBMITTED)
    person = _person(enrolment)
    reviewer = make_user(Role.DISTRICT, district="110105")
    login(reviewer)
    response = client.post(f"/district/enrolments/{enrolment.id}/identity", htmx=True)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="identity"') and "<html" not in body
    assert person.resident_id in body and person.mobile in body
    assert "no-store" in response.headers["Cache-Control"]
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "view_full_id"))
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        reviewer.id, "enrolment", enrolment.id)
    assert person.resident_id not in (entry.comment or "")
    page = client.get(f"/district/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "查看完整证件号码" in page.split('id="timeline-h"')[1]  # on the timeline
    assert person.resident_id not in page  # masked again on the next visit


def test_C_PII_full_id_view_without_javascript_is_a_post_not_a_url(client, login):
    owner = approved_enterprise_user()
    enrolment = make_enrolment(EnrolmentState.DRAFT, programme=_owned_programme(owner))
    login(owner)
    assert client.get(f"/enterprise/enrolments/{enrolment.id}/identity").status_code == 405
    response = client.post(f"/enterprise/enrolments/{enrolment.id}/identity")
    assert response.status_code == 200 and "<html" in response.get_data(as_text=True)
    assert _person(enrolment).resident_id in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "view_full_id")) == 1


def test_C_PII_other_enterprise_and_institution_cannot_open_the_full_id(client, login):
    enrolment = make_enrolment(EnrolmentState.SUBMITTED)
    login(approved_enterprise_user())
    assert client.post(f"/enterprise/enrolments/{enrolment.id}/identity").status_code == 404
    assert client.get(f"/enterprise/enrolments/{enrolment.id}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "view_full_id")) == 0


def test_C_PII_search_never_needs_the_full_id(client, login):
    enrolment = make_enrolment(EnrolmentState.SUBMITTED)
    person = _person(enrolment)
    login(make_user(Role.DISTRICT, district="110105"))
    by_tail = client.hx_get(f"/district/enrolments?q={person.resident_id[-4:]}")
    assert f"enrolment-{enrolment.id}" in by_tail.get_data(as_text=True)
    # A whole number typed into the box is not matched against IDs (it would sit in the URL).
    by_full = client.hx_get(f"/district/enrolments?q={person.resident_id}")
    assert f"enrolment-{enrolment.id}" not in by_full.get_data(as_text=True)


def test_AP_W2_initial_password_shown_once_never_stored_in_clear(client, login):
    owner = approved_enterprise_user()
    enrolment = make_enrolment(EnrolmentState.ACTIVE, programme=_owned_programme(owner))
    person = _person(enrolment)
    account = db.session.get(User, person.user_id)
    login(owner)
    page = client.get(f"/enterprise/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "生成/重置初始密码" in page
    response = client.post(f"/enterprise/enrolments/{enrolment.id}/password", htmx=True)
    body = response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"] and "<html" not in body
    password = body.split('class="secret">')[1].split("<")[0]
    assert len(password) == 12
    db.session.expire_all()
    account = db.session.get(User, account.id)
    assert verify_password(account.password_hash, password) and account.must_change_password
    assert password not in account.password_hash
    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "reset_password"))
    assert all(password not in (e.comment or "") for e in entries)
    # A second reset invalidates the first password.
    client.post(f"/enterprise/enrolments/{enrolment.id}/password", htmx=True)
    db.session.expire_all()
    assert not verify_password(db.session.get(User, account.id).password_hash, password)
    page = client.get(f"/enterprise/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "生成学员初始密码" in page  # audited on the timeline


def test_AP_W2_trainee_logs_in_with_mobile_and_must_change_password(client, login):
    owner = approved_enterprise_user()
    enrolment = make_enrolment(EnrolmentState.ACTIVE, programme=_owned_programme(owner))
    login(owner)
    body = client.post(f"/enterprise/enrolments/{enrolment.id}/password", htmx=True).get_data(as_text=True)
    password = body.split('class="secret">')[1].split("<")[0]
    username = db.session.get(User, _person(enrolment).user_id).username
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302
    home = client.get("/m/")
    assert home.status_code == 302 and "/account/password" in home.headers["Location"]


def test_AP_W2_no_password_before_the_record_is_established(client, login):
    owner = approved_enterprise_user()
    enrolment = make_enrolment(EnrolmentState.SUBMITTED, programme=_owned_programme(owner))
    login(owner)
    assert "生成/重置初始密码" not in client.get(f"/enterprise/enrolments/{enrolment.id}").get_data(as_text=True)
    assert client.post(f"/enterprise/enrolments/{enrolment.id}/password").status_code == 403
