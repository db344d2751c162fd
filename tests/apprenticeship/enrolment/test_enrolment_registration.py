"""学徒报名 by the enterprise: the form, live checks and submission (C-ID1, C-ID3, AP-E1..E6,
AP-W2, AP-W4) with seats taken and given back through the guarded counter."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.apprenticeship.enrolment import services as svc
from portal.models import (
    Apprentice,
    AuditLog,
    Enrolment,
    EnrolmentState,
    Organisation,
    ParameterValue,
    Programme,
    ReviewState,
    Role,
)
from portal.rules import mask_resident_id
from tests.enrolment_factories import (
    CONTRACT_START,
    ONE_YEAR_END,
    SHORT_END,
    make_apprentice,
    make_enrolment,
    own_programme,
    post_registration,
    registration_data,
    resident_id,
)
from tests.factories import make_user
from tests.programme_factories import approved_enterprise_user, make_programme


def _count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))




def test_AP_W2_registration_saves_a_draft_without_taking_a_seat(client, owner, db):
    programme = own_programme(owner)
    response = post_registration(client, programme, name="李四")
    assert response.status_code == 302, response.get_data(as_text=True)
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.state == EnrolmentState.DRAFT
    assert enrolment.enterprise_id == owner.org_id and enrolment.district_code == "110105"
    db.session.refresh(programme)
    assert programme.enrolled_count == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "李四" in page and "草稿" in page and "创建" in page  # timeline


@pytest.mark.parametrize("end, accepted", [(SHORT_END, False), (ONE_YEAR_END, True)])
def test_AP_E1_contract_under_one_year_refused(client, owner, db, end, accepted):
    programme = own_programme(owner)
    response = post_registration(client, programme, contract_start=CONTRACT_START, contract_end=end)
    body = response.get_data(as_text=True)
    if accepted:
        assert response.status_code == 302
        assert _count(db, Enrolment) == 1
    else:
        assert response.status_code == 200 and "AP-E1" in body
        assert 'aria-describedby="contract_end-error' in body
        assert _count(db, Enrolment) == 0 and _count(db, Apprentice) == 0


def test_AP_E1_open_ended_contract_qualifies(client, owner, db):
    programme = own_programme(owner)
    response = post_registration(client, programme, contract_end="", open_ended="y")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Enrolment.contract_end)) is None


def test_AP_E1_missing_end_without_open_ended_is_refused(client, owner, db):
    response = post_registration(client, own_programme(owner), contract_end="")
    assert "无固定期限" in response.get_data(as_text=True)
    assert _count(db, Enrolment) == 0


@pytest.mark.parametrize("bad", ["110105199901011234", "11010519990101123", "110105199902301238"])
def test_C_ID1_invalid_resident_id_refused(client, owner, db, bad):
    response = post_registration(client, own_programme(owner), resident_id=bad)
    assert "C-ID1" in response.get_data(as_text=True)
    assert _count(db, Enrolment) == 0 and _count(db, Apprentice) == 0


def test_C_ID1_full_width_and_lower_case_x_are_normalised(client, owner, db):
    valid = resident_id()
    typed = valid.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    assert post_registration(client, own_programme(owner), resident_id=f" {typed} ").status_code == 302
    assert db.session.scalar(sa.select(Apprentice.resident_id)) == valid


@pytest.mark.parametrize("bad", ["2390000000", "23900000000", "1390000000a", "139000000001"])
def test_C_ID3_invalid_mobile_refused(client, owner, db, bad):
    response = post_registration(client, own_programme(owner), mobile=bad)
    assert "C-ID3" in response.get_data(as_text=True)
    assert _count(db, Enrolment) == 0


def test_AP_E2_insurance_outside_beijing_refused(client, owner, db):
    data = registration_data()
    del data["insured_in_beijing"]
    response = client.post(f"/enterprise/programmes/{own_programme(owner).id}/apprentices/new", data=data)
    assert "AP-E2" in response.get_data(as_text=True)
    assert _count(db, Enrolment) == 0


def test_AP_E3_unknown_hire_type_refused_and_dispatch_hint_shown(client, owner, db):
    programme = own_programme(owner)
    response = post_registration(client, programme, hire_type="temp")
    assert "AP-E3" in response.get_data(as_text=True)
    assert _count(db, Enrolment) == 0 and response.status_code == 200
    form = client.get(f"/enterprise/programmes/{programme.id}/apprentices/new").get_data(as_text=True)
    assert "实际用工企业" in form and "AP-E3" in form
    assert post_registration(client, programme, dispatched="y", hire_type="transfer").status_code == 302
    assert db.session.scalar(sa.select(Enrolment.dispatched)) is True


def test_AP_E4_primary_level_programme_refuses_registration(client, owner, db):
    programme = own_programme(owner, level="primary")
    response = post_registration(client, programme)
    assert "AP-E4" in response.get_data(as_text=True)
    assert _count(db, Enrolment) == 0


def test_AP_E6_wage_below_the_minimum_in_force_refused(client, owner, db):
    programme = own_programme(owner)
    db.session.add(ParameterValue(key="min_monthly_wage", value=3000,
                                  effective_from=date(2026, 1, 1)))
    db.session.commit()
    response = post_registration(client, programme, monthly_wage="2999")
    body = response.get_data(as_text=True)
    assert "AP-E6" in body and "3000" in body
    assert _count(db, Enrolment) == 0
    assert post_registration(client, programme, monthly_wage="3000").status_code == 302


@pytest.mark.parametrize("wage", ["-1", "abc", "99999999999"])
def test_AP_E6_wage_out_of_range_refused_cleanly(client, owner, db, wage):
    response = post_registration(client, own_programme(owner), monthly_wage=wage)
    assert response.status_code == 200 and 'id="monthly_wage-error"' in response.get_data(as_text=True)
    assert _count(db, Enrolment) == 0


def test_AP_E6_live_check_names_the_parameter(client, owner):
    programme = own_programme(owner)
    response = client.post(f"/enterprise/programmes/{programme.id}/apprentices/check/monthly_wage",
                           data=registration_data(monthly_wage="100"), htmx=True)
    body = response.get_data(as_text=True)
    assert body.startswith('<small id="monthly_wage-error"') and "AP-E6" in body
    assert "<html" not in body


def test_C_ID1_live_check_uses_the_same_validator(client, owner):
    url = f"/enterprise/programmes/{own_programme(owner).id}/apprentices/check/resident_id"
    bad = client.post(url, data={"resident_id": "110105199901011234"}, htmx=True).get_data(as_text=True)
    assert 'id="resident_id-error"' in bad and "C-ID1" in bad
    good = client.post(url, data={"resident_id": resident_id()}, htmx=True).get_data(as_text=True)
    assert "C-ID1" not in good
    assert client.post(url.replace("resident_id", "password"), data={}, htmx=True).status_code == 404


def test_AP_E1_live_check_reads_the_start_date(client, owner):
    url = f"/enterprise/programmes/{own_programme(owner).id}/apprentices/check/contract_end"
    short = client.post(url, data={"contract_start": CONTRACT_START, "contract_end": SHORT_END},
                        htmx=True).get_data(as_text=True)
    assert "AP-E1" in short
    year = client.post(url, data={"contract_start": CONTRACT_START, "contract_end": ONE_YEAR_END},
                       htmx=True).get_data(as_text=True)
    assert "AP-E1" not in year


def test_AP_W2_only_the_programmes_enterprise_registers(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED)
    login(approved_enterprise_user())
    assert post_registration(client, programme).status_code == 404
    assert _count(db, Enrolment) == 0


def test_AP_W2_programme_not_yet_approved_refuses_registration(client, owner, db):
    programme = own_programme(owner)
    programme.state = ReviewState.DISTRICT_APPROVED
    db.session.commit()
    response = post_registration(client, programme)
    assert response.status_code == 302 and _count(db, Enrolment) == 0


def test_AP_E5_person_reused_by_resident_id_without_showing_other_enterprises_data(
        client, owner, db):
    other = make_enrolment(EnrolmentState.COMPLETED, with_user=False, monthly_wage=8888)
    person = db.session.get(Apprentice, other.apprentice_id)
    programme = own_programme(owner)
    form = client.get(f"/enterprise/programmes/{programme.id}/apprentices/new").get_data(as_text=True)
    assert person.name not in form and person.mobile not in form
    response = post_registration(client, programme, resident_id=person.resident_id, name="王五",
                    mobile="13700000000")
    assert response.status_code == 302
    assert _count(db, Apprentice) == 1  # reused, not duplicated
    mine = db.session.scalar(sa.select(Enrolment).where(Enrolment.enterprise_id == owner.org_id))
    assert mine.apprentice_id == person.id
    page = client.get(f"/enterprise/enrolments/{mine.id}").get_data(as_text=True)
    assert "8888" not in page  # the other enterprise's wage
    assert client.get(f"/enterprise/enrolments/{other.id}").status_code == 404
    listing = client.get("/enterprise/enrolments").get_data(as_text=True)
    assert f"enrolment-{mine.id}" in listing and f"enrolment-{other.id}" not in listing


def test_AP_E5_second_active_enrolment_refused(client, owner, db):
    held = make_enrolment(EnrolmentState.ACTIVE)
    person = db.session.get(Apprentice, held.apprentice_id)
    response = post_registration(client, own_programme(owner), resident_id=person.resident_id)
    body = response.get_data(as_text=True)
    assert "AP-E5" in body
    # Nothing about where the person is enrolled is revealed.
    other = db.session.get(Programme, held.programme_id)
    other_enterprise = db.session.get(Organisation, other.enterprise_id)
    assert other_enterprise.name not in body
    assert _count(db, Enrolment) == 1


def test_AP_E5_submit_refused_when_the_person_was_enrolled_meanwhile(client, owner, db):
    programme = own_programme(owner)
    person = make_apprentice()
    draft = make_enrolment(EnrolmentState.DRAFT, programme=programme, apprentice=person)
    make_enrolment(EnrolmentState.SUBMITTED, apprentice=person)
    response = client.post(f"/enterprise/enrolments/{draft.id}/submit")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "AP-E5" in page
    db.session.refresh(draft)
    db.session.refresh(programme)
    assert draft.state == EnrolmentState.DRAFT and programme.enrolled_count == 0


def test_AP_E5_database_index_refuses_a_second_holding_row(db):
    first = make_enrolment(EnrolmentState.SUBMITTED)
    second_programme = make_programme(state=ReviewState.APPROVED)
    db.session.add(Enrolment(programme_id=second_programme.id, apprentice_id=first.apprentice_id,
                             enterprise_id=second_programme.enterprise_id,
                             district_code=second_programme.district_code,
                             contract_start=date(2025, 3, 1), insured_in_beijing=True,
                             hire_type="new_hire", monthly_wage=6000,
                             state=EnrolmentState.SUBMITTED))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_AP_E5_concurrent_submission_is_refused_by_the_index_with_the_rule(
        client, owner, db, monkeypatch):
    """Two requests pass the service's look-up at the same moment: the index decides."""
    programme = own_programme(owner)
    person = make_apprentice()
    draft = make_enrolment(EnrolmentState.DRAFT, programme=programme, apprentice=person)
    make_enrolment(EnrolmentState.SUBMITTED, apprentice=person)
    monkeypatch.setattr(svc, "holding_enrolment", lambda *_a, **_k: None)  # the race
    response = client.post(f"/enterprise/enrolments/{draft.id}/submit")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "AP-E5" in page
    db.session.refresh(draft)
    db.session.refresh(programme)
    assert draft.state == EnrolmentState.DRAFT
    assert programme.enrolled_count == 0  # the seat taken before the refusal was rolled back
    assert _count(db, AuditLog, AuditLog.object_type == "enrolment",
                  AuditLog.action == "submit") == 0


def test_AP_W2_submit_takes_a_seat_and_is_audited(client, owner, db):
    programme = own_programme(owner)
    draft = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    response = client.post(f"/enterprise/enrolments/{draft.id}/submit")
    assert response.status_code == 302
    db.session.refresh(draft)
    db.session.refresh(programme)
    assert draft.state == EnrolmentState.SUBMITTED and draft.submitted_at is not None
    assert programme.enrolled_count == 1 == svc.seats_in_use(programme.id)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "submit",
                                                        AuditLog.object_id == draft.id))
    assert entry.from_state == "draft" and entry.to_state == "submitted"


def test_AP_W2_over_quota_single_submission_refused(client, owner, db):
    programme = own_programme(owner, planned_count=1)
    make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    draft = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    response = client.post(f"/enterprise/enrolments/{draft.id}/submit")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "超出核定人数" in page
    db.session.refresh(draft)
    db.session.refresh(programme)
    assert draft.state == EnrolmentState.DRAFT and programme.enrolled_count == 1


def test_AP_W2_guarded_counter_never_exceeds_the_headcount(app, db):
    programme = make_programme(state=ReviewState.APPROVED, planned_count=2)
    svc.take_seats(programme.id, 2)
    with pytest.raises(svc.QuotaExceeded):
        svc.take_seats(programme.id)
    db.session.rollback()
    svc.take_seats(programme.id)
    svc.release_seat(programme.id)
    db.session.commit()
    assert db.session.get(Programme, programme.id).enrolled_count == 0


def test_AP_W2_submit_all_drafts_is_all_or_nothing(client, owner, db):
    programme = own_programme(owner, planned_count=3)
    make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    drafts = [make_enrolment(EnrolmentState.DRAFT, programme=programme) for _ in range(3)]
    response = client.post(f"/enterprise/programmes/{programme.id}/apprentices/submit")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "超出核定人数" in page
    assert all(db.session.get(Enrolment, d.id).state == EnrolmentState.DRAFT for d in drafts)
    programme.planned_count = 4
    db.session.commit()
    response = client.post(f"/enterprise/programmes/{programme.id}/apprentices/submit")
    assert "已提交 3 名" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).enrolled_count == 4 == svc.seats_in_use(programme.id)


def test_AP_W2_submit_all_stops_at_an_ineligible_draft_and_submits_none(client, owner, db):
    programme = own_programme(owner)
    good = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    make_enrolment(EnrolmentState.DRAFT, programme=programme, monthly_wage=100)
    response = client.post(f"/enterprise/programmes/{programme.id}/apprentices/submit")
    assert "AP-E6" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(good)
    db.session.refresh(programme)
    assert good.state == EnrolmentState.DRAFT and programme.enrolled_count == 0


def test_AP_W4_returned_registration_is_edited_and_resubmitted(client, owner, db):
    programme = own_programme(owner)
    returned = make_enrolment(EnrolmentState.RETURNED, programme=programme, monthly_wage=6000)
    person = db.session.get(Apprentice, returned.apprentice_id)
    stored = (person.resident_id, person.mobile)
    form = client.get(f"/enterprise/enrolments/{returned.id}/edit").get_data(as_text=True)
    # C-PII: masked on the edit page too; left empty, the stored numbers stay.
    assert person.resident_id not in form and person.mobile not in form
    assert mask_resident_id(person.resident_id) in form
    response = client.post(f"/enterprise/enrolments/{returned.id}/edit", data=registration_data(
        name=person.name, resident_id="", mobile="", monthly_wage="7000"))
    assert response.status_code == 302
    db.session.refresh(returned)
    assert returned.monthly_wage == 7000 and returned.apprentice_id == person.id
    db.session.refresh(person)
    assert (person.resident_id, person.mobile) == stored
    client.post(f"/enterprise/enrolments/{returned.id}/submit")
    db.session.refresh(returned)
    assert returned.state == EnrolmentState.SUBMITTED


def test_C_ID1_correcting_the_id_on_edit_moves_the_registration_to_that_person(
        client, owner, db):
    draft = make_enrolment(EnrolmentState.DRAFT, programme=own_programme(owner))
    before = draft.apprentice_id
    corrected = resident_id()
    bad = client.post(f"/enterprise/enrolments/{draft.id}/edit",
                      data=registration_data(resident_id="110105199901011234", mobile=""))
    assert "C-ID1" in bad.get_data(as_text=True)
    client.post(f"/enterprise/enrolments/{draft.id}/edit",
                data=registration_data(resident_id=corrected, mobile=""))
    db.session.refresh(draft)
    person = db.session.get(Apprentice, draft.apprentice_id)
    assert draft.apprentice_id != before and person.resident_id == corrected
    assert person.mobile == db.session.get(Apprentice, before).mobile  # kept


def test_AP_W4_submitted_registration_cannot_be_edited(client, owner, db):
    submitted = make_enrolment(EnrolmentState.SUBMITTED, programme=own_programme(owner))
    response = client.post(f"/enterprise/enrolments/{submitted.id}/edit",
                           data=registration_data(monthly_wage="9999"))
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.monthly_wage == 6000


def test_AP_E5_same_person_twice_in_one_programme_refused(client, owner, db):
    programme = own_programme(owner)
    draft = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    person = db.session.get(Apprentice, draft.apprentice_id)
    response = post_registration(client, programme, resident_id=person.resident_id)
    assert "重复报名" in response.get_data(as_text=True)
    assert _count(db, Enrolment) == 1


def test_trainee_lookups_for_other_engineers(db):
    enrolment = make_enrolment(EnrolmentState.ACTIVE)
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    from portal.models import User

    user = db.session.get(User, person.user_id)
    assert svc.current_enrolment_for(user).id == enrolment.id
    assert svc.active_enrolment_for(user).id == enrolment.id
    assert svc.current_enrolment_for(make_user(Role.CENTER)) is None
