"""The demo's living records: what a newcomer sees in five minutes (every row 演示数据).

In 朝阳区 (精工's 铣工 class, 云帆's 烹调 class) about thirty apprentices wait for the district
(some returned, one corrected and resubmitted), eight are in training with both mentors, credits and a class session today
with check-ins, leave requests and changes of status wait for a decision, and one
enterprise trains another's apprentices under an entrustment (AP-N4). Records are made
through the services a user would call, so timelines and audit rows are the real ones (the
programmes themselves, and the entrustment's agreement file, are seeded directly).
Idempotent: the records are made once; today's class session once a day.
"""

import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from portal import demo_hs, demo_money, demo_supervision
from portal.apprenticeship.enrolment import agreements
from portal.apprenticeship.enrolment import services as enrolments
from portal.apprenticeship.enrolment.checks import Registration
from portal.apprenticeship.mentors import services as mentors
from portal.apprenticeship.programmes import services as programmes
from portal.apprenticeship.status import services as status_changes
from portal.apprenticeship.training import attendance, credits, leave
from portal.city.identity import Identities
from portal.clock import beijing_to_utc, today
from portal.core.workflow import Decision
from portal.extensions import db
from portal.models import (
    Apprentice,
    ClassSession,
    Enrolment,
    EnrolmentState,
    Mentor,
    MentorKind,
    Occupation,
    Programme,
    User,
)

# Counts of the story (朝阳区): in training, waiting in 车工, waiting / returned / drafts in 烹调.
IN_TRAINING = 8
WAITING_MACHINING = 18
WAITING_COOKING = 6
RETURNED = 4
DRAFTS = 2
CHECKED_IN_TODAY = 6
# Contracts of the story start on the first programme's opening day; open-ended ones qualify.
ESTABLISHED_ON = date(2026, 3, 9)
RETURN_REASONS = ("劳动合同复印件不清晰，请重新上传", "社会保险缴纳证明缺少近3个月记录",
                  "月工资与劳动合同约定不一致，请核实", "身份证号码与社保记录不一致，请核对")


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _programme(username: str, occupation_code: str) -> Programme:
    return db.session.scalar(
        sa.select(Programme).join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Programme.enterprise_id == _user(username).org_id,
               Occupation.code == occupation_code))


class _People:
    """Believable names, resident IDs and mobiles, the same on every run."""

    def __init__(self, seed: int = 2026):
        self.identities = Identities(random.Random(seed))

    def registration(self, start: date, wage: int = 6200, end: date | None = None):
        """A fixed-term contract in force whenever the demo is loaded, unless `end` is given."""
        end = end or today() + timedelta(days=730)
        return Registration(self.identities.name(),
                            self.identities.resident_id("110105", date(2026, 1, 1)),
                            self.identities.mobile(), start, end, True, "new_hire", False, wage)


class _Story:
    """What demo_money borrows from this story: its users, programmes, mentors, people."""

    user = staticmethod(_user)
    programme = staticmethod(_programme)

    def __init__(self):
        self.people = _People(seed=2025)  # other people than the story's own

    @staticmethod
    def mentors(programme: Programme) -> tuple[Mentor, Mentor]:
        return _mentors(programme)


def seed_story() -> None:
    machining = _programme("qiye", "6-18-01-02")
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)
                             .where(Enrolment.programme_id == machining.id)):
        _seed_records(machining, _programme("qiye2", "4-03-02-01"))
    demo_money.seed_money(_Story())
    demo_hs.seed_high_skill()
    demo_supervision.seed_supervision(_Story())
    _seed_todays_session(machining)


def _seed_records(machining: Programme, cooking: Programme) -> None:
    employer, partner = _user("qiye"), _user("qiye2")
    district, school = _user("chaoyang"), _user("jigou")
    people = _People()
    # AP-N4: 云帆 (a medium enterprise) entrusts its 烹调 programme's training to 精工, filed
    # with the district as a submission files it (the demo holds no agreement file).
    cooking.entrusted_enterprise_id = employer.org_id
    programmes.file_entrustment(partner, cooking)

    in_training = [enrolments.register(employer, machining, people.registration(ESTABLISHED_ON))
                   for _ in range(IN_TRAINING)]
    # The first one's one-year contract ends before the plan does: AP-E1's warning.
    short_start = today() - timedelta(days=300)
    waiting = [enrolments.register(employer, machining, people.registration(
        short_start if n == 0 else ESTABLISHED_ON,
        end=short_start + timedelta(days=366) if n == 0 else None))
        for n in range(WAITING_MACHINING)]
    db.session.flush()
    mentor, teacher = _mentors(machining)
    mentors.assign(employer, machining, in_training + waiting[:6], mentor)
    mentors.assign(school, machining, in_training + waiting[:6], teacher)
    agreements.record_agreement(employer, machining, [e.id for e in in_training + waiting[:10]],
                                ESTABLISHED_ON, collective=True, note="集体培训协议（演示数据）")
    for enrolment in in_training + waiting:
        enrolments.submit(employer, enrolment)
    for enrolment in in_training:
        enrolments.district_review(district, enrolment, Decision.APPROVE, day=ESTABLISHED_ON)

    cooking_start = cooking.start_date
    queue = [enrolments.register(partner, cooking, people.registration(cooking_start, wage=5200))
             for _ in range(WAITING_COOKING + RETURNED + 1 + DRAFTS)]
    db.session.flush()
    for enrolment in queue[:WAITING_COOKING + RETURNED + 1]:
        enrolments.submit(partner, enrolment)
    returned = queue[WAITING_COOKING:WAITING_COOKING + RETURNED + 1]
    for enrolment, reason in zip(returned, RETURN_REASONS + RETURN_REASONS[:1], strict=True):
        enrolments.district_review(district, enrolment, Decision.RETURN, reason)
    corrected = returned[-1]  # the enterprise corrects the wage and sends it again
    person = db.session.get(Apprentice, corrected.apprentice_id)
    fixed = Registration.of(corrected, person)
    enrolments.update(partner, corrected, Registration(**{**fixed.__dict__, "monthly_wage": 5600}))
    enrolments.submit(partner, corrected)

    _seed_training(in_training, machining, employer, school, district)


def _mentors(programme: Programme) -> tuple[Mentor, Mentor]:
    found = {m.kind: m for m in db.session.scalars(sa.select(Mentor).where(
        Mentor.org_id.in_((programme.enterprise_id, programme.institution_id))))}
    return found[MentorKind.ENTERPRISE], found[MentorKind.TEACHER]


def _trainee(enrolment: Enrolment) -> User:
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    return db.session.get(User, person.user_id)


def _seed_training(in_training, programme, employer, school, district) -> None:
    day = today()
    credits.record_hours(school, in_training, "theory", "centralised", 16,
                         ESTABLISHED_ON + timedelta(days=30), "专业理论集中授课（演示数据）")
    credits.record_hours(employer, in_training[:5], "practice", "on_job", 24,
                         ESTABLISHED_ON + timedelta(days=60), "岗位实训（演示数据）")
    # Leave (AP-P2): one waiting for the enterprise, one approved.
    leave.request_leave(_trainee(in_training[0]), in_training[0],
                                        day + timedelta(days=7), day + timedelta(days=8),
                                        "家中有事，请事假两天")
    approved = leave.request_leave(_trainee(in_training[1]), in_training[1],
                                   day + timedelta(days=3), day + timedelta(days=4), "病假：发热就医")
    db.session.flush()
    leave.decide(employer, approved, leave.LeaveDecision.APPROVE, "注意休息")
    # Changes of status (AP-P2): a suspension waiting for the district; a withdrawal approved
    # and scheduled for its effective date.
    status_changes.request_change(employer, in_training[2], status_changes.ChangeData(
        "suspend", "学徒因伤需休养两个月（附医院证明）", day + timedelta(days=5)))
    withdrawal = status_changes.request_change(employer, in_training[3], status_changes.ChangeData(
        "withdraw", "学徒个人原因申请离职", day + timedelta(days=14)))
    db.session.flush()
    status_changes.decide(district, withdrawal, Decision.APPROVE, "同意，按生效日期办理")
    # Yesterday's class, closed, with most of the class present.
    yesterday = _session(programme, school, day - timedelta(days=1), "数控车床编程基础")
    for enrolment in in_training[:7]:
        attendance.check_in(_trainee(enrolment), yesterday, now=_epoch(yesterday.starts_at) + 300)
    attendance.close_session(school, yesterday)
    yesterday.closed_at = yesterday.starts_at + timedelta(hours=3)  # closed after class


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


def _session(programme: Programme, school: User, day: date, title: str) -> ClassSession:
    starts = beijing_to_utc(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))
    return attendance.open_session(school, programme, f"{title}（演示数据）", starts, 10)


def _seed_todays_session(programme: Programme) -> None:
    """A class under way today with check-ins (once a day: the demo stays alive)."""
    day = today()
    start = beijing_to_utc(datetime.combine(day, datetime.min.time()))
    end = start + timedelta(days=1)
    if db.session.scalar(sa.select(ClassSession.id).where(
            ClassSession.programme_id == programme.id,
            ClassSession.starts_at >= start, ClassSession.starts_at < end)):
        return
    school = _user("jigou")
    session = _session(programme, school, day, "车削加工实训")
    active = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.programme_id == programme.id,
                                   Enrolment.state == EnrolmentState.ACTIVE)
        .order_by(Enrolment.id).limit(CHECKED_IN_TODAY)).all()
    for n, enrolment in enumerate(active):
        trainee = _trainee(enrolment)
        if trainee is not None:
            attendance.check_in(trainee, session, now=_epoch(session.starts_at) + 120 * n)
