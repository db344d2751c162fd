"""Factories for apprentices, enrolments and trainee accounts (issue: apprenticeship part 2)."""

import itertools
from datetime import date

from stdnum.cn import ric

from portal.extensions import db
from portal.models import (
    Apprentice,
    Enrolment,
    EnrolmentState,
    Mentor,
    MentorKind,
    Programme,
    ReviewState,
    Role,
)
from tests.factories import make_user
from tests.programme_factories import make_programme

_seq = itertools.count(1)

HOLDING = (EnrolmentState.SUBMITTED, EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED)


def resident_id(birth: str = "19990101", area: str = "110105") -> str:
    """A valid resident ID number (C-ID1) with a fresh sequence number."""
    body = f"{area}{birth}{next(_seq) % 1000:03d}"
    return body + ric.calc_check_digit(body)


def mobile() -> str:
    return f"139{next(_seq):08d}"


def make_apprentice(with_user: bool = False, **fields) -> Apprentice:
    apprentice = Apprentice(name=fields.pop("name", f"学徒{next(_seq)}"),
                            resident_id=fields.pop("resident_id", resident_id()),
                            mobile=fields.pop("mobile", mobile()), **fields)
    if with_user:
        apprentice.user_id = make_user(Role.TRAINEE).id
    db.session.add(apprentice)
    db.session.commit()
    return apprentice


def make_mentor(org_id: int, kind: MentorKind = MentorKind.ENTERPRISE, **fields) -> Mentor:
    values = dict(name=f"导师{next(_seq)}", can_guide_practice=True, years_practice=3,
                  has_teaching_experience=True, years_teaching=3, attests_ethics=True)
    values.update(fields)
    mentor = Mentor(org_id=org_id, kind=kind, **values)
    db.session.add(mentor)
    db.session.commit()
    return mentor


def make_enrolment(state: EnrolmentState = EnrolmentState.ACTIVE, programme: Programme | None = None,
                   apprentice: Apprentice | None = None, with_user: bool = True,
                   **fields) -> Enrolment:
    """An enrolment in an approved programme; holding states take a seat (enrolled_count)."""
    programme = programme or make_programme(status=ReviewState.APPROVED)
    apprentice = apprentice or make_apprentice(with_user=with_user)
    values = dict(contract_start=date(2026, 1, 1), contract_end=None, insured_in_beijing=True,
                  hire_type="new_hire", monthly_wage=6000)
    if state in (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED, EnrolmentState.COMPLETED):
        values["established_on"] = programme.start_date
    values.update(fields)
    enrolment = Enrolment(programme_id=programme.id, apprentice_id=apprentice.id,
                          enterprise_id=programme.enterprise_id,
                          district_code=programme.district_code, status=state, **values)
    db.session.add(enrolment)
    if state in HOLDING:
        programme.enrolled_count += 1
    db.session.commit()
    return enrolment
