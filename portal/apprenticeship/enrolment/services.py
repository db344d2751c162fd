"""Apprentice registration (学徒报名), district review and the student record (学籍): AP-W2.

Rules: C-ID1, C-ID3 and AP-E1..E6 on registration and again on submission and approval
(``registration_checks``), AP-A1 (a training agreement before establishment, recorded in
``agreements``), AP-M1 (both mentors), AP-P5 (catalogue facts frozen on the day the record
is established). Establishment opens the trainee's account (``trainee_accounts``, which
also holds the audited full-ID view of C-PII).

Seats. ``Programme.enrolled_count`` counts the programme's enrolments in HOLDING_STATES
(submitted, active, suspended): the same states in which AP-E5's partial unique index holds
the person. A draft or returned registration holds neither a seat nor the person; submitting
takes a seat with a guarded UPDATE (the CHECK enrolled_count <= planned_count backs it up),
and every move out of HOLDING_STATES (returned, rejected here; withdrawn, transferred,
completed in the status-change code) gives it back through ``release_seat`` in the same
transaction.

The person. An ``Apprentice`` is one row per resident ID across all enterprises. A new
registration with a known ID reuses the row (never a duplicate) and brings its name and
mobile up to date, as typed by the enterprise registering the person now. Nothing about the
person is ever looked up for, or shown to, an enterprise: no pre-fill, and an AP-E5 refusal
names neither the other enterprise nor its programme. Each enterprise sees only its own
enrolments (contract, wage, history) through ``access.enrolments_for``.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.util import identity_key

from portal import rules
from portal.apprenticeship.enrolment import snapshot as _snapshot  # noqa: F401 (registers)
from portal.apprenticeship.enrolment.access import own_enrolments_in
from portal.apprenticeship.enrolment.checks import Registration, check_registration
from portal.apprenticeship.enrolment.trainee_accounts import ensure_trainee_account
from portal.apprenticeship.mentors.services import mentor_problems
from portal.catalogue import lookups as catalogues
from portal.clock import today  # today is part of this module's API (tests use svc.today)
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.workflow import (
    BulkResult,
    Decision,
    Transition,
    Workflow,
    decide_each,
    decision_action,
)
from portal.extensions import db
from portal.models import (
    HOLDING_STATES,
    Apprentice,
    CatalogueKind,
    Enrolment,
    EnrolmentState,
    Programme,
    ReviewState,
    Role,
)
from portal.money.accounts import open_account

OBJECT_TYPE = "enrolment"
S = EnrolmentState

# States in which a registration is still on the programme's list (a second one for the
# same person in the same programme is refused); the rest are history.
LIVE_STATES = (S.DRAFT, S.RETURNED, *HOLDING_STATES)

_REVIEW = {"permission": "district_review", "stamps": ("decided_at",),
           "refusal": "您无权审核该学徒报名"}
# AP-W2: the enterprise submits, the district establishes the record, returns or rejects (C-REV).
WORKFLOW = Workflow(OBJECT_TYPE, [
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, "submit",
               stamps=("submitted_at",), refusal="只有报名企业可以提交"),
    Transition(Decision.APPROVE, (S.SUBMITTED,), S.ACTIVE, **_REVIEW),
    Transition(Decision.RETURN, (S.SUBMITTED,), S.RETURNED, requires="comment", **_REVIEW),
    Transition(Decision.REJECT, (S.SUBMITTED,), S.REJECTED, requires="reason", **_REVIEW),
    # AP-S1: completed by the joint assessment (assessment.services checks both parties).
    Transition("complete", (S.ACTIVE,), S.COMPLETED, "view", logged_as="complete",
               refusal="只有本项目的企业或培训机构可以确认结业"),
])

AP_E5_MESSAGE = rules.rule_message("AP-E5")


class QuotaExceeded(ServiceError):
    """The programme's approved headcount (核定人数) is used up."""


# ------------------------------------------------------------------------------ seats


def _expire_count(programme_id: int) -> None:
    programme = db.session.identity_map.get(identity_key(Programme, programme_id))
    if programme is not None:
        db.session.expire(programme, ["enrolled_count"])


def quota_message(programme: Programme, wanted: int = 1) -> str:
    return (f"超出核定人数：本项目核定 {programme.planned_count} 人，已占用 "
            f"{programme.enrolled_count} 人，本次需要 {wanted} 个名额")


def take_seats(programme_id: int, n: int = 1) -> None:
    """Take `n` seats at once, or none: a guarded UPDATE that wins only within the headcount.

    ``UPDATE programme SET enrolled_count = enrolled_count + n
      WHERE id = :id AND enrolled_count + n <= planned_count`` — exactly one row, or refuse.
    """
    changed = db.session.execute(
        sa.update(Programme)
        .where(Programme.id == programme_id,
               Programme.enrolled_count + n <= Programme.planned_count)
        .values(enrolled_count=Programme.enrolled_count + n)
        .execution_options(synchronize_session=False)
    ).rowcount
    _expire_count(programme_id)
    if changed != 1:
        programme = db.session.get(Programme, programme_id)
        raise QuotaExceeded(quota_message(programme, n))


def release_seat(programme_id: int, n: int = 1) -> None:
    """Give back `n` seats; call it in the transaction that moves an enrolment out of
    HOLDING_STATES (withdrawn, transferred, completed …). Never below zero."""
    changed = db.session.execute(
        sa.update(Programme)
        .where(Programme.id == programme_id, Programme.enrolled_count >= n)
        .values(enrolled_count=Programme.enrolled_count - n)
        .execution_options(synchronize_session=False)
    ).rowcount
    _expire_count(programme_id)
    if changed != 1:
        raise StateConflict("项目名额计数与学籍不一致，请联系管理员")


def seats_in_use(programme_id: int) -> int:
    """What enrolled_count must equal: the programme's enrolments in HOLDING_STATES."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Enrolment)
        .where(Enrolment.programme_id == programme_id, Enrolment.state.in_(HOLDING_STATES)))


# ------------------------------------------------------------------------------ look-ups


def holding_enrolment(apprentice_id: int, *, besides: int | None = None) -> Enrolment | None:
    """AP-E5: the person's one enrolment in HOLDING_STATES, if any."""
    q = sa.select(Enrolment).where(Enrolment.apprentice_id == apprentice_id,
                                   Enrolment.state.in_(HOLDING_STATES))
    if besides is not None:
        q = q.where(Enrolment.id != besides)
    return db.session.scalar(q)


def current_enrolment_for(user) -> Enrolment | None:
    """A trainee's one enrolment in HOLDING_STATES (at most one, AP-E5), with its programme."""
    if getattr(user, "role", None) != Role.TRAINEE:
        return None
    return db.session.scalar(
        sa.select(Enrolment)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .options(joinedload(Enrolment.programme))
        .where(Apprentice.user_id == user.id, Enrolment.state.in_(HOLDING_STATES)))


def active_enrolment_for(user) -> Enrolment | None:
    """A trainee's enrolment whose student record is established and not suspended."""
    enrolment = current_enrolment_for(user)
    return enrolment if enrolment is not None and enrolment.state == S.ACTIVE else None


def can_register(actor, programme: Programme) -> bool:
    """AP-W2: only the programme's own enterprise registers, once the programme is approved."""
    return can(actor, "register", programme)


def require_register(actor, programme: Programme) -> None:
    if can_register(actor, programme):
        return
    if can(actor, "own", programme):
        raise NotAllowed("培训项目经市级审核通过后才能办理学徒报名（规则 AP-W2）")
    raise NotAllowed("只有该培训项目的申报企业可以办理学徒报名")


# ------------------------------------------------------------------------------ registration


def _person(reg: Registration) -> Apprentice | None:
    return db.session.scalar(sa.select(Apprentice).where(Apprentice.resident_id == reg.resident_id))


def _already_listed(programme_id: int, apprentice_id: int, besides: int | None = None) -> bool:
    q = sa.select(Enrolment.id).where(Enrolment.programme_id == programme_id,
                                      Enrolment.apprentice_id == apprentice_id,
                                      Enrolment.state.in_(LIVE_STATES))
    if besides is not None:
        q = q.where(Enrolment.id != besides)
    return db.session.scalar(q.limit(1)) is not None


DUPLICATE_IN_PROGRAMME = "该学徒已在本项目名单中，请勿重复报名"


def stated_values(reg: Registration, person: Apprentice) -> dict:
    """What the enterprise stated that differs from the person on file (kept on the enrolment)."""
    name = reg.name.strip()
    return {"stated_name": name if name != person.name else None,
            "stated_mobile": reg.mobile if reg.mobile != person.mobile else None}


def _claim_person(reg: Registration, programme: Programme,
                  besides: int | None = None) -> tuple[Apprentice, dict]:
    """The Apprentice for `reg` (reused by resident ID, else new) and what the enrolment keeps
    of the statement; all checks before writes. A person on file is never changed here."""
    person = _person(reg)
    if person is None:
        person = Apprentice(name=reg.name.strip(), resident_id=reg.resident_id, mobile=reg.mobile)
        db.session.add(person)
        return person, {"stated_name": None, "stated_mobile": None}
    if holding_enrolment(person.id, besides=besides) is not None:
        raise rules.RuleViolation("AP-E5")
    if _already_listed(programme.id, person.id, besides):
        raise ServiceError(DUPLICATE_IN_PROGRAMME)
    return person, stated_values(reg, person)


def _claim_person_once(reg: Registration, programme: Programme,
                       besides: int | None = None) -> tuple[Apprentice, dict]:
    """`_claim_person`, where a concurrent registration of the same new person (the unique
    resident ID refuses the second insert) is answered as if that person had been on file:
    the same AP-E5 and duplicate checks, never a 500. Nothing else is written before it."""
    try:
        claimed = _claim_person(reg, programme, besides)
        db.session.flush()
        return claimed
    except IntegrityError:
        db.session.rollback()
    claimed = _claim_person(reg, programme, besides)
    db.session.flush()
    return claimed


def register(actor, programme: Programme, reg: Registration) -> Enrolment:
    """学徒报名: a draft registration in an approved programme (no seat until submitted)."""
    require_register(actor, programme)
    check_registration(programme, reg)
    person, stated = _claim_person_once(reg, programme)
    enrolment = Enrolment(programme_id=programme.id, apprentice_id=person.id,
                          enterprise_id=programme.enterprise_id,
                          district_code=programme.district_code, state=S.DRAFT,
                          **reg.enrolment_values(), **stated)
    db.session.add(enrolment)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, enrolment.id, "create", to_state=S.DRAFT)
    db.session.flush()
    return enrolment


def update(actor, enrolment: Enrolment, reg: Registration) -> None:
    """AP-W4: the owner corrects a draft or returned registration (a new ID = another person)."""
    if not can(actor, "edit", enrolment):
        raise NotAllowed("该学徒报名已提交，不能修改（规则 AP-W4）")
    programme = db.session.get(Programme, enrolment.programme_id)
    check_registration(programme, reg)
    person, stated = _claim_person_once(reg, programme, besides=enrolment.id)
    if not can(actor, "edit", enrolment):  # re-read after a retry's rollback (AP-W4)
        raise NotAllowed("该学徒报名已提交，不能修改（规则 AP-W4）")
    enrolment.apprentice_id = person.id
    for name, value in {**reg.enrolment_values(), **stated}.items():
        setattr(enrolment, name, value)
    audit.record(actor, OBJECT_TYPE, enrolment.id, "edit", from_state=enrolment.state,
                 to_state=enrolment.state)
    db.session.flush()


def _apply(actor, enrolment: Enrolment, action: str, comment: str = "",
           values: dict | None = None, pointed=()) -> EnrolmentState:
    """The engine's step, with AP-E5's partial unique index answered in words, never a 500:
    it may refuse a move into HOLDING_STATES that a concurrent request made first."""
    try:
        return WORKFLOW.apply(actor, enrolment, action, comment, values, pointed)
    except IntegrityError as err:
        raise rules.RuleViolation("AP-E5") from err


def _submit(actor, enrolment: Enrolment, programme: Programme, person: Apprentice) -> None:
    WORKFLOW.check(actor, enrolment, "submit")
    if programme.state != ReviewState.APPROVED:
        raise NotAllowed("培训项目未处于已批准状态，不能提交学徒报名（规则 AP-W2）")
    check_registration(programme, Registration.of(enrolment, person))
    if holding_enrolment(person.id) is not None:
        raise rules.RuleViolation("AP-E5")
    take_seats(programme.id)
    _apply(actor, enrolment, "submit")


def submit(actor, enrolment: Enrolment) -> EnrolmentState:
    """学徒报名 to the district: rules again, AP-E5, then one seat (超出核定人数 otherwise)."""
    programme = db.session.get(Programme, enrolment.programme_id)
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    _submit(actor, enrolment, programme, person)
    db.session.flush()
    return enrolment.state


def submit_all(actor, programme: Programme) -> int:
    """Submit every draft and returned registration of `programme`: all of them, or none.

    Each goes through the same checks as a single submission; the first refusal is raised
    (naming the apprentice) and the caller rolls the whole batch back.
    """
    require_register(actor, programme)
    rows = db.session.execute(
        own_enrolments_in(actor, programme.id, (S.DRAFT, S.RETURNED))
        .add_columns(Apprentice)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .order_by(Enrolment.id)
    ).all()
    if not rows:
        raise ServiceError("本项目没有待提交的学徒报名")
    if programme.enrolled_count + len(rows) > programme.planned_count:
        raise QuotaExceeded(quota_message(programme, len(rows)))
    for enrolment, person in rows:
        try:
            _submit(actor, enrolment, programme, person)
        except (ServiceError, rules.RuleViolation) as err:
            message = getattr(err, "message", None) or str(err)
            raise ServiceError(f"{person.name}：{message}。本次未提交任何学徒，请处理后重试") from err
    db.session.flush()
    return len(rows)


# ------------------------------------------------------------------------------ district review


def establishment_values(enrolment: Enrolment, programme: Programme, day: date) -> dict:
    """AP-W2, AP-A1, AP-M1, AP-P5: what establishing the record on `day` writes, or a refusal."""
    problems = (["AP-A1"] if enrolment.agreement_id is None else []) + mentor_problems(enrolment)
    if problems:
        raise rules.RuleViolation(rules.in_catalogue_order(problems))
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    check_registration(programme, Registration.of(enrolment, person), day)
    flags = catalogues.flags_for(programme.occupation_id, day)
    return {
        "established_on": day,
        "urgent": CatalogueKind.URGENT in flags,
        "in_assessment_scope": CatalogueKind.ASSESSMENT_SCOPE in flags,
    }


def district_review(actor, enrolment: Enrolment, decision: Decision, comment: str = "", *,
                    day: date | None = None, pointed=()) -> EnrolmentState:
    """AP-W2 inline review: approve (establish the record), return or reject (C-REV).

    Approval needs a training agreement (AP-A1), re-checks AP-E1..E6, freezes the catalogue
    facts in force on the approval day (AP-P5) and opens a trainee account if the person has
    none. Both mentors must be assigned first (AP-M1). A return or rejection frees the seat.
    """
    action = decision_action(decision)
    WORKFLOW.check(actor, enrolment, action, comment)
    day = day or today()
    programme = db.session.get(Programme, enrolment.programme_id)
    values = {}
    if decision == Decision.APPROVE:
        values = establishment_values(enrolment, programme, day)
        comment = (comment or "").strip() or f"学籍建立日 {day}"
    target = _apply(actor, enrolment, action, comment, values, pointed)
    if decision == Decision.APPROVE:
        person = db.session.get(Apprentice, enrolment.apprentice_id)
        adopt_statement(actor, enrolment, person)
        ensure_trainee_account(actor, person)
        open_account(enrolment, programme)
    else:
        release_seat(programme.id)
    db.session.flush()
    return target


def adopt_statement(actor, enrolment: Enrolment, person: Apprentice) -> None:
    """On establishment the person on file takes the name and mobile the enterprise stated,
    audited on the enrolment (the mobile itself is not written into the log, C-PII)."""
    changes = []
    if enrolment.stated_name and enrolment.stated_name != person.name:
        changes.append(f"姓名由“{person.name}”更新为“{enrolment.stated_name}”")
        person.name = enrolment.stated_name
    if enrolment.stated_mobile and enrolment.stated_mobile != person.mobile:
        changes.append("手机号码已按本次报名更新")
        person.mobile = enrolment.stated_mobile
    enrolment.stated_name = enrolment.stated_mobile = None
    if changes:
        audit.record(actor, OBJECT_TYPE, enrolment.id, "update_person", comment="；".join(changes))


def approve_many(actor, enrolments: list[Enrolment], *, day: date | None = None) -> BulkResult:
    """Approve a selection, each row through ``district_review``; per-row results."""
    return decide_each(lambda e: district_review(actor, e, Decision.APPROVE, day=day), enrolments)
