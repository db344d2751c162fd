"""A small city that grows: every list page has rows, and `grow` adds more of every kind with
different occupations, start dates, enterprises and states, so an N+1 (one query per row, per
distinct date, per enterprise…) shows up as a query count that grows with the rows."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count

from portal.extensions import db
from portal.models import (
    ChangeState,
    EnrolmentState,
    LeaveState,
    MentorKind,
    Organisation,
    OrgKind,
    ReviewState,
    Role,
)
from tests.enrolment_factories import (
    make_check_ins,
    make_class_session,
    make_credit,
    make_enrolment,
    make_leave,
    make_mentor,
    make_status_change,
    trainee_of,
)
from tests.factories import make_org, make_user
from tests.programme_factories import make_institution, make_occupation, make_programme

DISTRICT = "110105"
_days = count(1)


@dataclass
class World:
    enterprise: Organisation
    institution: Organisation
    users: dict[str, object] = field(default_factory=dict)
    programme: object = None  # the enterprise's approved programme with apprentices
    session: object = None  # its class session today
    enrolments: list = field(default_factory=list)


def build() -> World:
    occupation = make_occupation()
    institution = make_institution([occupation], district="110108")
    enterprise = make_org(district=DISTRICT, state=ReviewState.APPROVED)
    world = World(enterprise=enterprise, institution=institution)
    world.programme = make_programme(ReviewState.APPROVED, enterprise=enterprise,
                                     occupation=occupation, institution=institution,
                                     planned_count=200)
    world.session = make_class_session(world.programme)
    world.users = {
        "district": make_user(Role.DISTRICT, district=DISTRICT),
        "center": make_user(Role.CENTER),
        "enterprise": make_user(Role.ENTERPRISE, org=enterprise),
        "institution": make_user(Role.INSTITUTION, org=institution),
    }
    grow(world, 1)
    world.users["trainee"] = trainee_of(world.enrolments[0])
    return world


def grow(world: World, times: int) -> None:
    """Add `times` rows to every list: programmes, enrolments, leave, changes, credits…"""
    for _ in range(times):
        day = date(2026, 1, 1) + timedelta(days=next(_days))
        occupation = make_occupation()
        institution = make_institution([occupation], district="110108")
        for state in (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED, ReviewState.DRAFT):
            make_programme(state, occupation=occupation, institution=institution,
                           start_date=day)
        make_programme(ReviewState.SUBMITTED, enterprise=world.enterprise,
                       occupation=occupation, institution=institution, start_date=day)
        make_org(district=DISTRICT, state=ReviewState.SUBMITTED)
        make_org(OrgKind.INSTITUTION, district=DISTRICT, state=ReviewState.DISTRICT_APPROVED)
        _grow_apprentices(world, day)


def _grow_apprentices(world: World, day: date) -> None:
    programme = world.programme
    mentor = make_mentor(programme.enterprise_id)
    teacher = make_mentor(programme.institution_id, MentorKind.TEACHER)
    submitted = make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    returned = make_enrolment(EnrolmentState.RETURNED, programme=programme, with_user=False)
    active = make_enrolment(EnrolmentState.ACTIVE, programme=programme,
                            enterprise_mentor_id=mentor.id, teacher_id=teacher.id)
    suspended = make_enrolment(EnrolmentState.SUSPENDED, programme=programme)
    world.enrolments += [active, submitted, returned, suspended]
    make_credit(active, 20, on_day=day)
    make_leave(active, start=day, end=day + timedelta(days=1))
    make_leave(suspended, start=day, end=day, state=LeaveState.APPROVED)
    make_status_change(active, "withdraw", state=ChangeState.SUBMITTED, effective_on=day)
    make_status_change(suspended, "resume", state=ChangeState.APPROVED, effective_on=day)
    make_check_ins(world.session, [active])
    past = make_class_session(programme, starts_at=world.session.starts_at - timedelta(days=1),
                              closed=True)
    make_check_ins(past, [active, suspended])
    db.session.commit()
