"""Entrusted training (委托培训, AP-N4): who may entrust, the filing with the district, and what
the entrusted enterprise does (trains) and does not do (register, change status, claim)."""

import io
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from portal.apprenticeship.enrolment import services as enrolments
from portal.apprenticeship.enrolment.checks import Registration
from portal.apprenticeship.programmes import services as programmes
from portal.core.errors import NotAllowed
from portal.extensions import db as _db
from portal.models import (
    Apprentice,
    AuditLog,
    ClassSession,
    CreditRecord,
    DocumentKind,
    Enrolment,
    EnrolmentState,
    Programme,
    ReviewState,
    Role,
    StatusChange,
)
from tests.enrolment_factories import (
    make_enrolment,
    make_mentor,
    mobile,
    registration_data,
    resident_id,
)
from tests.factories import make_document, make_org, make_user
from tests.programme_factories import (
    PDF,
    form_data,
    make_institution,
    make_occupation,
    make_programme,
    plan,
)

TODAY = date.today()


def _attach(owner, kind: DocumentKind, name: str):
    doc = make_document(owner, name=name, set_as_licence=False)
    doc.kind = kind
    _db.session.commit()
    return doc


@pytest.fixture
def parties(db):
    """A medium enterprise (朝阳) that may entrust, a confirmed enterprise to entrust, and the
    occupation and institution of a valid plan."""
    occupation = make_occupation()
    institution = make_institution([occupation])
    owner = make_org(state=ReviewState.APPROVED, size="medium")
    trainer = make_org(state=ReviewState.APPROVED, size="large", name="受托实训企业")
    return SimpleNamespace(occupation=occupation, institution=institution, owner=owner,
                           trainer=trainer, owner_user=make_user(Role.ENTERPRISE, org=owner),
                           trainer_user=make_user(Role.ENTERPRISE, org=trainer))


@pytest.fixture
def entrusted(parties):
    """An approved programme of `parties.owner` trained by `parties.trainer`."""
    parties.programme = make_programme(
        state=ReviewState.APPROVED, enterprise=parties.owner, occupation=parties.occupation,
        institution=parties.institution, entrusted_enterprise_id=parties.trainer.id,
        start_date=TODAY - timedelta(days=60))
    return parties


def _post_new(client, data, *, entrustment=True):
    posted = form_data(data)
    posted["agreement"] = (io.BytesIO(PDF), "合作协议.pdf")
    if entrustment:
        posted["entrustment_agreement"] = (io.BytesIO(PDF), "委托培训协议.pdf")
    return client.post("/enterprise/programmes/new", data=posted,
                       content_type="multipart/form-data")


def _row(page: str, element_id: str) -> str | None:
    match = re.search(rf'<tr id="{element_id}">(.*?)</tr>', page, re.S)
    return match.group(1) if match else None


# ------------------------------------------------------------------------------ who may entrust


def test_AP_N4_medium_enterprise_may_entrust(client, login, db, parties):
    login(parties.owner_user)
    form = client.get("/enterprise/programmes/new").get_data(as_text=True)
    assert 'name="entrusted_enterprise_id"' in form and parties.trainer.name in form
    data = plan(parties.occupation, parties.institution, entrusted_enterprise_id=parties.trainer.id)
    response = _post_new(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    programme = db.session.scalar(sa.select(Programme))
    assert programme.entrusted_enterprise_id == parties.trainer.id
    assert programme.entrustment_document_id is not None
    assert "AP-N4" not in programmes.check_plan(programmes.plan_data_of(programme), parties.owner,
                                                for_submission=True).problems


def test_AP_N4_large_enterprise_refused_unless_subsidiary(client, login, db, parties):
    data = plan(parties.occupation, parties.institution, entrusted_enterprise_id=parties.trainer.id)
    large = make_org(state=ReviewState.APPROVED, size="large")
    assert "AP-N4" in programmes.check_plan(data, large).problems
    login(make_user(Role.ENTERPRISE, org=large))
    assert 'name="entrusted_enterprise_id"' not in client.get(
        "/enterprise/programmes/new").get_data(as_text=True)
    refused = _post_new(client, data)
    assert refused.status_code == 200 and "AP-N4" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 0
    client.post("/logout")

    # A large group's subsidiary with few trainees says so on its record, and may entrust.
    subsidiary = make_org(state=ReviewState.APPROVED, size="large", subsidiary=True)
    assert "AP-N4" not in programmes.check_plan(data, subsidiary).problems
    login(make_user(Role.ENTERPRISE, org=subsidiary))
    assert 'name="entrusted_enterprise_id"' in client.get(
        "/enterprise/programmes/new").get_data(as_text=True)
    assert _post_new(client, data).status_code == 302
    programme = db.session.scalar(sa.select(Programme))
    assert (programme.enterprise_id, programme.entrusted_enterprise_id) == (subsidiary.id,
                                                                           parties.trainer.id)


# ------------------------------------------------------------------------------ filing (备案)


def test_AP_N4_entrustment_filed_and_visible_to_the_district(client, login, db, parties):
    programme = make_programme(
        state=ReviewState.DRAFT, enterprise=parties.owner, occupation=parties.occupation,
        institution=parties.institution, entrusted_enterprise_id=parties.trainer.id)
    programme.agreement_document_id = _attach(
        parties.owner, DocumentKind.COOPERATION_AGREEMENT, "合作协议.pdf").id
    filed = _attach(parties.owner, DocumentKind.ENTRUSTMENT_AGREEMENT, "委托培训协议.pdf")
    programme.entrustment_document_id = filed.id
    db.session.commit()
    plain = make_programme(state=ReviewState.SUBMITTED, occupation=parties.occupation,
                           institution=parties.institution)

    login(parties.owner_user)
    assert client.post(f"/enterprise/programmes/{programme.id}/submit").status_code == 302
    db.session.refresh(programme)
    assert programme.state == ReviewState.SUBMITTED
    [entry] = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "programme", AuditLog.object_id == programme.id,
        AuditLog.action == "file_entrustment"))
    assert parties.owner.name in entry.comment and parties.trainer.name in entry.comment
    client.post("/logout")

    login(make_user(Role.DISTRICT, district="110105"))
    queue = client.get("/district/programmes").get_data(as_text=True)
    row = _row(queue, f"programme-{programme.id}")
    assert row is not None and "委托" in row and parties.trainer.name in row
    assert _row(queue, f"programme-{plain.id}") is not None
    filings = client.get("/district/programmes?entrusted=yes").get_data(as_text=True)
    assert "委托培训备案" in filings
    assert _row(filings, f"programme-{programme.id}") is not None
    assert _row(filings, f"programme-{plain.id}") is None

    detail = client.get(f"/district/programmes/{programme.id}").get_data(as_text=True)
    assert "委托培训（备案）" in detail and "已向区人社局备案" in detail
    assert parties.trainer.name in detail and f"/files/{filed.id}" in detail
    assert "委托培训备案" in detail  # the timeline names the filing
    with client.get(f"/files/{filed.id}") as download:
        assert download.status_code == 200


# ------------------------------------------------------------------------------ training


def test_AP_N4_entrusted_enterprise_sees_apprentices_masked(client, login, db, entrusted):
    active = make_enrolment(programme=entrusted.programme)
    draft = make_enrolment(EnrolmentState.DRAFT, programme=entrusted.programme)
    elsewhere = make_enrolment(programme=make_programme(state=ReviewState.APPROVED))
    person = db.session.get(Apprentice, active.apprentice_id)

    login(entrusted.trainer_user)
    programme_page = client.get(f"/enterprise/programmes/{entrusted.programme.id}")
    assert programme_page.status_code == 200
    assert "学徒名单</a>" in programme_page.get_data(as_text=True)
    roster = client.get(f"/enterprise/programmes/{entrusted.programme.id}/apprentices")
    body = roster.get_data(as_text=True)
    assert roster.status_code == 200
    assert f"enrolment-{active.id}" in body and person.name in body
    assert person.resident_id not in body and person.resident_id[-4:] in body  # C-PII
    assert person.mobile not in body
    assert f"enrolment-{draft.id}" not in body  # the entrusting enterprise's work in progress
    assert "学徒报名</a>" not in body and "AP-N4" in body
    assert "登记集体培训协议" not in body

    detail = client.get(f"/enterprise/enrolments/{active.id}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert person.resident_id not in text and "查看完整证件号码" not in text
    assert client.post(f"/enterprise/enrolments/{active.id}/identity").status_code == 403
    assert client.get(f"/enterprise/enrolments/{draft.id}").status_code == 404
    assert client.get(f"/enterprise/enrolments/{elsewhere.id}").status_code == 404


def test_AP_N4_entrusted_enterprise_opens_a_session(client, login, db, entrusted):
    enrolment = make_enrolment(programme=entrusted.programme)
    login(entrusted.trainer_user)
    detail = client.get(f"/enterprise/programmes/{entrusted.programme.id}").get_data(as_text=True)
    assert "开设课堂" in detail
    form = client.get(f"/enterprise/sessions/new?programme_id={entrusted.programme.id}")
    assert f'<option selected value="{entrusted.programme.id}">' in form.get_data(as_text=True)
    response = client.post("/enterprise/sessions/new", data={
        "programme_id": entrusted.programme.id, "title": "岗位实训（受托企业）",
        "starts_at": f"{TODAY.isoformat()}T09:00", "late_after_minutes": "10"})
    assert response.status_code == 302, response.get_data(as_text=True)
    session = db.session.scalar(sa.select(ClassSession))
    assert (session.programme_id, session.org_id) == (entrusted.programme.id, entrusted.trainer.id)
    screen = client.get(f"/enterprise/sessions/{session.id}")
    assert screen.status_code == 200 and "应到" in screen.get_data(as_text=True)

    # It records the on-the-job hours it delivers (岗位训练) ...
    recorded = client.post(
        f"/enterprise/programmes/{entrusted.programme.id}/credits/{enrolment.id}",
        data={"course_type": "practice", "mode": "on_job", "hours": "8",
              "on_day": (TODAY - timedelta(days=1)).isoformat(), "note": "", "scope": "selected"})
    assert recorded.status_code == 302
    [record] = db.session.scalars(sa.select(CreditRecord))
    assert (record.recorded_by_org_id, record.mode) == (entrusted.trainer.id, "on_job")
    credits_page = client.get(f"/enterprise/programmes/{entrusted.programme.id}/credits/"
                              f"{enrolment.id}").get_data(as_text=True)
    assert entrusted.trainer.name in credits_page  # who recorded them

    # ... and the enterprise mentor may be one of its own staff.
    mentor = make_mentor(entrusted.trainer.id)
    assigned = client.post(f"/enterprise/programmes/{entrusted.programme.id}/mentors/assign",
                           data={"mentor_id": mentor.id, "enrolment_ids": [enrolment.id]})
    assert assigned.status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.enterprise_mentor_id == mentor.id


def test_AP_N4_entrusted_enterprise_cannot_register_or_request_status_change(
        client, login, db, entrusted):
    enrolment = make_enrolment(programme=entrusted.programme)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))
    login(entrusted.trainer_user)

    # The roster says why there is no registration here (AP-N4), not "not yet approved".
    roster = client.get(f"/enterprise/programmes/{entrusted.programme.id}/apprentices")
    text = roster.get_data(as_text=True)
    assert "AP-N4" in text and "由委托企业办理" in text and "AP-W2" not in text
    assert "/apprentices/new" not in text
    form = client.get(f"/enterprise/programmes/{entrusted.programme.id}/apprentices/new")
    assert form.status_code == 302
    client.post(f"/enterprise/programmes/{entrusted.programme.id}/apprentices/new",
                data=registration_data())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == before
    registration = Registration(
        name="张三", resident_id=resident_id(), mobile=mobile(),
        contract_start=date(TODAY.year, 1, 1), contract_end=None, insured_in_beijing=True,
        hire_type="new_hire", dispatched=False, monthly_wage=6000)
    with pytest.raises(NotAllowed):
        enrolments.register(entrusted.trainer_user, entrusted.programme, registration)
    db.session.rollback()

    page = client.get(f"/enterprise/status-changes/new?enrolment_id={enrolment.id}")
    assert f'value="{enrolment.id}"' not in page.get_data(as_text=True)
    client.post("/enterprise/status-changes/new", data={
        "enrolment_id": enrolment.id, "kind": "suspend", "effective_on": TODAY.isoformat(),
        "reason": "受托企业代为申请"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusChange)) == 0

    # The entrusting enterprise keeps every one of those steps.
    client.post("/logout")
    login(entrusted.owner_user)
    assert client.get(
        f"/enterprise/programmes/{entrusted.programme.id}/apprentices/new").status_code == 200
