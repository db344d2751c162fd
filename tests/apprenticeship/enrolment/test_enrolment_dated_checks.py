"""Registration checks that depend on the day (RULES.md changes of 2026-12-02): the contract in
force on the registration day (AP-E1), no future birth date (C-ID1), at least 16 (AP-E7)."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.enrolment import services as svc
from portal.apprenticeship.enrolment.checks import Registration
from portal.clock import today
from portal.core.workflow import Decision
from portal.extensions import db
from portal.models import (
    Apprentice,
    AuditLog,
    Enrolment,
    EnrolmentState,
    MentorKind,
    Organisation,
    Programme,
    ReviewState,
    Role,
    User,
)
from tests.enrolment_factories import (
    CONTRACT_START,
    make_agreement,
    make_enrolment,
    make_mentor,
    own_programme,
    post_registration,
    registration_data,
    resident_id,
)
from tests.factories import make_user
from tests.programme_factories import make_programme
from tests.races import at_once, needs_postgres


def _enrolments() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))


# --- the rules API -------------------------------------------------------------------------


def test_AP_E1_contract_ended_before_registration_day_is_a_problem():
    args = ("intermediate", date(2019, 1, 1), date(2020, 12, 31), True, "new_hire")
    assert rules.apprentice_eligibility_problems(*args) == []  # no day given: term only
    assert rules.apprentice_eligibility_problems(*args, on=date(2026, 12, 2)) == ["AP-E1"]
    assert rules.apprentice_eligibility_problems(*args, on=date(2020, 12, 31)) == []
    open_ended = ("intermediate", date(2019, 1, 1), None, True, "new_hire")
    assert rules.apprentice_eligibility_problems(*open_ended, on=date(2026, 12, 2)) == []


def test_AP_E7_under_sixteen_on_contract_start_is_a_problem():
    args = ("intermediate", date(2026, 3, 1), None, True, "new_hire")
    assert rules.apprentice_eligibility_problems(*args, birth_date=date(2010, 3, 1)) == []
    assert rules.apprentice_eligibility_problems(*args, birth_date=date(2010, 3, 2)) == ["AP-E7"]
    # 29 February: the 16th birthday in a common year is 1 March.
    assert rules.old_enough(date(2008, 2, 29), date(2024, 2, 29))
    assert not rules.old_enough(date(2008, 2, 29), date(2024, 2, 28))


def test_C_ID1_birth_date_after_the_day_of_the_check_is_invalid():
    tomorrow = resident_id(birth="20261203")
    assert rules.is_valid_resident_id(tomorrow)  # no day given: only the calendar
    assert not rules.is_valid_resident_id(tomorrow, on=date(2026, 12, 2))
    assert rules.is_valid_resident_id(tomorrow, on=date(2026, 12, 3))
    assert not rules.is_valid_resident_id(resident_id(birth="18991231"))


# --- through the form and the services ------------------------------------------------------


def test_AP_E1_expired_contract_refused(client, owner):
    programme = own_programme(owner)
    response = post_registration(client, programme, contract_start="2019-01-01", contract_end="2020-12-31")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "AP-E1" in body and "有效期内" in body
    assert _enrolments() == 0


def test_AP_E1_expired_contract_refused_by_the_service(db):
    programme = make_programme(state=ReviewState.APPROVED)
    actor = make_user(Role.ENTERPRISE, org=db.session.get(Organisation, programme.enterprise_id))
    reg = Registration("王五", resident_id(), "13900000001", date(2019, 1, 1), date(2020, 12, 31),
                       True, "new_hire", False, 6000)
    with pytest.raises(rules.RuleViolation) as refused:
        svc.register(actor, programme, reg)
    assert refused.value.rule_ids == ["AP-E1"]


def test_C_ID1_future_birth_date_refused(client, owner):
    born = (today() + timedelta(days=1)).strftime("%Y%m%d")
    programme = own_programme(owner)
    response = post_registration(client, programme, resident_id=resident_id(birth=born))
    assert response.status_code == 200 and "C-ID1" in response.get_data(as_text=True)
    assert _enrolments() == 0


def test_AP_E7_under_sixteen_refused(client, owner):
    start = date.fromisoformat(CONTRACT_START)
    born = start.replace(year=start.year - 15)
    programme = own_programme(owner)
    response = post_registration(client, programme, resident_id=resident_id(birth=born.strftime("%Y%m%d")))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "AP-E7" in body and "年满16周岁" in body
    assert _enrolments() == 0
    sixteen = start.replace(year=start.year - 16)
    assert post_registration(client, programme,
                resident_id=resident_id(birth=sixteen.strftime("%Y%m%d"))).status_code == 302


def test_AP_E1_contract_ending_before_the_plan_is_a_warning_the_reviewer_sees(client, login):
    programme = make_programme(state=ReviewState.APPROVED, start_date=date(2026, 3, 1),
                               duration_months=24)
    early = make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    early.contract_end = date(2027, 2, 28)
    db.session.commit()
    login(make_user(Role.DISTRICT, district=programme.district_code))
    queue = client.get("/district/enrolments?status=submitted").get_data(as_text=True)
    assert "合同早于培训结束到期" in queue
    detail = client.get(f"/district/enrolments/{early.id}").get_data(as_text=True)
    assert "2027-02-28 到期" in detail and "2028-02-29" in detail


# --- the person on file (AP-E5 and the shared person record) ----------------------------------


def test_AP_E5_concurrent_registration_of_the_same_new_person_is_never_a_500(
        client, owner, monkeypatch):
    """The other enterprise's insert commits between this request's look-up and its insert:
    the unique resident ID refuses the insert, and the request goes on as for a known person."""
    programme = own_programme(owner)
    data = registration_data()
    first_lookup = []

    def lookup_before_the_other_commits(reg):
        if not first_lookup:
            first_lookup.append(reg.resident_id)
            other = make_enrolment(EnrolmentState.SUBMITTED, with_user=False)
            db.session.get(Apprentice, other.apprentice_id).resident_id = reg.resident_id
            db.session.commit()
            return None
        return db.session.scalar(sa.select(Apprentice).where(
            Apprentice.resident_id == reg.resident_id))

    monkeypatch.setattr(svc, "_person", lookup_before_the_other_commits)
    response = client.post(f"/enterprise/programmes/{programme.id}/apprentices/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "AP-E5" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Apprentice)) == 1


def test_AP_E5_registering_a_known_person_does_not_touch_their_record_until_established(
        client, owner, login):
    earlier = make_enrolment(EnrolmentState.COMPLETED, with_user=False)
    person = db.session.get(Apprentice, earlier.apprentice_id)
    on_file = (person.name, person.mobile)
    programme = own_programme(owner)
    response = post_registration(client, programme, resident_id=person.resident_id, name="王小五",
                    mobile="13712345678")
    assert response.status_code == 302
    db.session.expire_all()
    assert (person.name, person.mobile) == on_file  # a draft changes nothing on file
    mine = db.session.scalar(sa.select(Enrolment).where(Enrolment.programme_id == programme.id))
    page = client.get(f"/enterprise/enrolments/{mine.id}").get_data(as_text=True)
    assert "王小五" in page and on_file[0] not in page and "与该人员已有档案不同" in page

    mine.enterprise_mentor_id = make_mentor(programme.enterprise_id).id
    mine.teacher_id = make_mentor(programme.institution_id, MentorKind.TEACHER).id
    db.session.commit()
    make_agreement(programme, [mine])
    svc.submit(owner, mine)
    district = make_user(Role.DISTRICT, district=programme.district_code)
    svc.district_review(district, mine, Decision.APPROVE)
    db.session.commit()
    db.session.expire_all()
    assert (person.name, person.mobile) == ("王小五", "13712345678")
    assert mine.stated_name is None and mine.stated_mobile is None
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "update_person"))
    assert entry.object_id == mine.id and "王小五" in entry.comment
    assert "13712345678" not in entry.comment  # C-PII



@needs_postgres
def test_AP_E5_two_enterprises_register_the_same_new_person_at_once(app, db):
    programmes = [make_programme(state=ReviewState.APPROVED) for _ in range(2)]
    ids = [(p.id, make_user(Role.ENTERPRISE, org=db.session.get(Organisation, p.enterprise_id)).id)
           for p in programmes]
    reg = Registration("赵六", resident_id(), "13900000009", date.fromisoformat(CONTRACT_START),
                       None, True, "new_hire", False, 6000)

    def register(programme_id, user_id):
        return lambda: svc.register(db.session.get(User, user_id),
                                    db.session.get(Programme, programme_id), reg)

    outcomes = at_once(app, db, *(register(*pair) for pair in ids))
    assert len(outcomes) == 2  # an IntegrityError would have escaped the thread (a 500)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Apprentice)) == 1


def test_C_PII_full_view_shows_the_mobile_this_enrolment_states_not_another_enterprises(
        client, owner):
    earlier = make_enrolment(EnrolmentState.COMPLETED, with_user=False)
    on_file = db.session.get(Apprentice, earlier.apprentice_id)
    programme = own_programme(owner)
    post_registration(client, programme, resident_id=on_file.resident_id, mobile="13711112222")
    mine = db.session.scalar(sa.select(Enrolment).where(Enrolment.programme_id == programme.id))
    shown = client.post(f"/enterprise/enrolments/{mine.id}/identity").get_data(as_text=True)
    assert "13711112222" in shown and on_file.mobile not in shown
