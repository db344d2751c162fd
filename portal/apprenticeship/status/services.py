"""Changes of status (学籍异动), AP-P2: the enterprise requests, the district decides (C-REV).

Suspension, resumption, extension (AP-C3: never beyond three years in all), withdrawal and
transfer to another approved programme of the same enterprise. Approval applies the change
in the same transaction as the decision: enrolment state, the programme seat counters
(guarded updates, so a full programme refuses and nothing is half-written) and, for a
transfer, the new enrolment (AP-E5: the old one leaves the holding states first). Every
step writes an audit record on the change and one on the enrolment (C-AUD); the view commits.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.enrolment.checks import Registration, check_registration
from portal.apprenticeship.enrolment.services import QuotaExceeded, release_seat, take_seats
from portal.apprenticeship.programmes.services import period_end
from portal.clock import today
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.core.workflow import Decision, Transition, Workflow, decision_action
from portal.extensions import db
from portal.models import (
    Apprentice,
    ChangeState,
    Enrolment,
    EnrolmentState,
    Programme,
    ReviewState,
    StatusChange,
    StatusChangeKind,
)
from portal.models.base import utcnow

OBJECT_TYPE = "status_change"
ENROLMENT_OBJECT = "enrolment"
REASON_MAX = 500
MONTHS_PER_YEAR = 12


OPEN_STATES = (ChangeState.SUBMITTED, ChangeState.RETURNED)

K, E = StatusChangeKind, EnrolmentState
# kind → (enrolment states it applies to, state after approval; None = unchanged).
EFFECTS: dict[StatusChangeKind, tuple[tuple[EnrolmentState, ...], EnrolmentState | None]] = {
    K.SUSPEND: ((E.ACTIVE,), E.SUSPENDED),
    K.RESUME: ((E.SUSPENDED,), E.ACTIVE),
    K.EXTEND: ((E.ACTIVE, E.SUSPENDED), None),
    K.WITHDRAW: ((E.ACTIVE, E.SUSPENDED), E.WITHDRAWN),
    K.TRANSFER: ((E.ACTIVE,), E.TRANSFERRED),
}

C = ChangeState
_DECISION = {"permission": "district_review", "stamps": ("decided_at",),
             "actor_column": "decided_by_id", "comment_column": "comment",
             "refusal": "您无权审核该学籍异动申请"}
# AP-P2, C-REV: the district decides; the enterprise corrects a returned request or withdraws.
WORKFLOW = Workflow(OBJECT_TYPE, [
    Transition(Decision.APPROVE, (C.SUBMITTED,), C.APPROVED, **_DECISION),
    Transition(Decision.RETURN, (C.SUBMITTED,), C.RETURNED, requires="comment", **_DECISION),
    Transition(Decision.REJECT, (C.SUBMITTED,), C.REJECTED, requires="reason", **_DECISION),
    Transition("resubmit", (C.RETURNED,), C.SUBMITTED, "submit", logged_as="submit",
               refusal="只有学徒所在企业可以修改该申请"),
    Transition("cancel", (*OPEN_STATES, C.APPROVED), C.CANCELLED, "cancel",
               refusal="只有学徒所在企业可以撤回该申请"),
])


@dataclass
class ChangeData:
    """What the enterprise fills in."""

    kind: StatusChangeKind
    reason: str
    effective_on: date | None
    extension_months: int | None = None
    target_programme_id: int | None = None

    def __post_init__(self):
        self.kind = StatusChangeKind(self.kind)  # forms hand over the value string


class AlreadyApplied(ServiceError):
    """Another run applied this change first (the daily job skips it)."""


class ChangeRefused(ServiceError):
    """Refusals with the form field each belongs to, so the page can show them in place."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("；".join(message for _field, message in problems))


# --- Extensions and planned end (AP-C3) ---------------------------------------------------


def approved_extension_months(enrolment_ids: Iterable[int]) -> dict[int, int]:
    """AP-C3: months of approved extensions per enrolment, in one grouped query."""
    ids = list(enrolment_ids)
    result = dict.fromkeys(ids, 0)
    if ids:
        rows = db.session.execute(
            sa.select(StatusChange.enrolment_id, sa.func.sum(StatusChange.extension_months))
            .where(StatusChange.enrolment_id.in_(ids), StatusChange.kind == K.EXTEND,
                   StatusChange.state == ChangeState.APPROVED)
            .group_by(StatusChange.enrolment_id)
        )
        result.update({enrolment_id: int(months or 0) for enrolment_id, months in rows})
    return result


def planned_end(programme: Programme, extension_months: int = 0) -> date:
    """AP-C3: an enrolment's planned last day = the programme's end + approved extensions."""
    return period_end(programme.start_date, programme.duration_months + extension_months)


def enrolment_planned_end(enrolment: Enrolment) -> date:
    """AP-C3: planned last day of one enrolment (two queries; lists use planned_end)."""
    programme = db.session.get(Programme, enrolment.programme_id)
    return planned_end(programme, approved_extension_months([enrolment.id])[enrolment.id])


def _extension_problem(programme: Programme, already: int, months: int, reason: str) -> str | None:
    """AP-C3: the programme's duration plus every extension stays within three years."""
    found = rules.programme_duration_problems(programme.level, programme.duration_months
                                              + already + months, reason or "延期")
    if "AP-C3" not in found:
        return None
    limit = rules.MAX_DURATION_YEARS * MONTHS_PER_YEAR
    return (f"本项目培养期{programme.duration_months}个月，已批准延期{already}个月，"
            f"再延长{months}个月将超过{limit}个月。{rules.rule_message('AP-C3')}")


# --- Checks shared by request and resubmission -------------------------------------------


def _problems(enrolment: Enrolment, data: ChangeData) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    reason = (data.reason or "").strip()
    if not reason:
        found.append(("reason", "请填写异动原因（规则 AP-P2）"))
    elif len(reason) > REASON_MAX:
        found.append(("reason", f"异动原因不能超过{REASON_MAX}字"))
    if data.effective_on is None:
        found.append(("effective_on", "请填写生效日期（规则 AP-P2）"))
    elif enrolment.established_on and data.effective_on < enrolment.established_on:
        found.append(("effective_on",
                      f"生效日期不能早于学籍建立日期（{enrolment.established_on}）"))
    sources, _target = EFFECTS[data.kind]
    if enrolment.state not in sources:
        found.append(("kind", f"学徒当前为“{enrolment.state.label}”，不能申请{data.kind.label}"))
    if data.kind == K.EXTEND:
        months = data.extension_months
        if not isinstance(months, int) or months < 1:
            found.append(("extension_months", "请填写延长的月数（至少1个月）"))
        else:
            programme = db.session.get(Programme, enrolment.programme_id)
            already = approved_extension_months([enrolment.id])[enrolment.id]
            problem = _extension_problem(programme, already, months, reason)
            if problem:
                found.append(("extension_months", problem))
    if data.kind == K.TRANSFER:
        found += _transfer_problems(enrolment, data.target_programme_id)
    if data.kind == K.RESUME and data.effective_on is not None:
        since = _suspended_since(enrolment.id)
        if since is not None and data.effective_on <= since:
            found.append(("effective_on", f"恢复培训的生效日期须晚于暂停培训的生效日期（{since}）"))
    return found


def _suspended_since(enrolment_id: int) -> date | None:
    """The effective date of the suspension in force (the latest applied one)."""
    return db.session.scalar(
        sa.select(sa.func.max(StatusChange.effective_on))
        .where(StatusChange.enrolment_id == enrolment_id, StatusChange.kind == K.SUSPEND,
               StatusChange.state == ChangeState.APPROVED, StatusChange.applied_at.is_not(None)))


def _transfer_problems(enrolment: Enrolment, target_id: int | None) -> list[tuple[str, str]]:
    if not target_id:
        return [("target_programme_id", "请选择转入的培训项目")]
    target = db.session.get(Programme, target_id)
    if (target is None or target.enterprise_id != enrolment.enterprise_id
            or target.state != ReviewState.APPROVED or target.id == enrolment.programme_id):
        return [("target_programme_id", "只能转入本企业另一个已通过审核的培训项目")]
    if target.enrolled_count >= target.planned_count:
        return [("target_programme_id", "目标项目已满，不能转入")]
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    try:
        check_registration(target, Registration.of(enrolment, person))
    except (ServiceError, rules.RuleViolation) as refused:
        message = getattr(refused, "message", None) or str(refused)
        return [("target_programme_id", f"转入目标项目的报名条件不符：{message}")]
    return []


def _hold(enrolment_id: int) -> None:
    """Serialise requests of one enrolment until commit (row lock on PostgreSQL, write lock
    on SQLite) so that "one open change per enrolment" holds when two requests race."""
    db.session.execute(
        sa.update(Enrolment).where(Enrolment.id == enrolment_id).values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def open_change(enrolment_id: int) -> StatusChange | None:
    """AP-P2: the change of status of this enrolment still awaiting a decision, if any."""
    return db.session.scalar(
        sa.select(StatusChange)
        .where(StatusChange.enrolment_id == enrolment_id, StatusChange.state.in_(OPEN_STATES))
        .limit(1)
    )


def scheduled_change(enrolment_id: int) -> StatusChange | None:
    """AP-P2: an approved change of this enrolment whose effective date has not come yet."""
    return db.session.scalar(
        sa.select(StatusChange)
        .where(StatusChange.enrolment_id == enrolment_id,
               StatusChange.state == ChangeState.APPROVED, StatusChange.applied_at.is_(None))
        .order_by(StatusChange.effective_on).limit(1)
    )


def _clean(data: ChangeData) -> dict:
    return {
        "kind": data.kind,
        "reason": (data.reason or "").strip(),
        "effective_on": data.effective_on,
        "extension_months": data.extension_months if data.kind == K.EXTEND else None,
        "target_programme_id": data.target_programme_id if data.kind == K.TRANSFER else None,
    }


def describe(change: StatusChange) -> str:
    """One line for the audit log and toasts: kind, details, effective date."""
    detail = ""
    if change.kind == K.EXTEND:
        detail = f"{change.extension_months}个月"
    elif change.kind == K.TRANSFER:
        detail = f"至项目 {change.target_programme_id}"
    return f"{change.kind.label}{detail}，生效日期 {change.effective_on}"


def _record_on_enrolment(actor, change: StatusChange, action: str, comment: str) -> None:
    # C-AUD: the enrolment's own history tells of every step of its changes of status.
    audit.record(actor, ENROLMENT_OBJECT, change.enrolment_id, action,
                 comment=f"{describe(change)}：{comment}" if comment else describe(change))


# --- The enterprise's steps ---------------------------------------------------------------


def request_change(actor, enrolment: Enrolment, data: ChangeData) -> StatusChange:
    """AP-P2: the enterprise asks its district to approve a change of status."""
    change = StatusChange(enrolment_id=enrolment.id, district_code=enrolment.district_code,
                          state=ChangeState.SUBMITTED, **_clean(data))
    if not can(actor, "submit", change):
        raise NotAllowed("只有学徒所在企业可以申请学籍异动")
    _hold(enrolment.id)
    db.session.refresh(enrolment)
    problems = _problems(enrolment, data)
    if problems:
        raise ChangeRefused(problems)
    pending = open_change(enrolment.id)
    if pending is not None:
        raise ServiceError(f"该学徒已有一项未办结的学籍异动申请（{pending.kind.label}，"
                           f"{ChangeState(pending.state).label}），请办结或撤回后再申请")
    waiting = scheduled_change(enrolment.id)
    if waiting is not None:
        raise ServiceError(f"该学徒已有一项已批准、待生效的学籍异动（{describe(waiting)}），"
                           "生效后再申请")
    db.session.add(change)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, change.id, "submit", to_state=ChangeState.SUBMITTED,
                 comment=change.reason)
    _record_on_enrolment(actor, change, "status_change_requested", change.reason)
    db.session.flush()
    return change


def resubmit(actor, change: StatusChange, data: ChangeData) -> None:
    """C-REV: the enterprise corrects a returned request and sends it again."""
    WORKFLOW.check(actor, change, "resubmit")
    data.kind = StatusChangeKind(change.kind)  # a different kind is a new request
    _hold(change.enrolment_id)
    enrolment = db.session.get(Enrolment, change.enrolment_id)
    db.session.refresh(enrolment)
    problems = _problems(enrolment, data)
    if problems:
        raise ChangeRefused(problems)
    values = _clean(data)
    WORKFLOW.apply(actor, change, "resubmit", values["reason"],
                   values | {"comment": "", "decided_by_id": None, "decided_at": None})
    _record_on_enrolment(actor, change, "status_change_requested", change.reason)
    db.session.flush()


def cancel(actor, change: StatusChange) -> None:
    """AP-P2: the enterprise withdraws a request the district has not approved, or an
    approved one that has not taken effect yet (a scheduled change, or one the job could not
    apply), so a new request can follow."""
    if change.state == ChangeState.APPROVED and change.applied_at is not None:
        raise NotAllowed("该学籍异动已经生效，不能撤回")
    WORKFLOW.apply(actor, change, "cancel")
    _record_on_enrolment(actor, change, "status_change_cancelled", "")
    db.session.flush()


# --- The district's decision and its effects ---------------------------------------------


def decide(actor, change: StatusChange, decision: Decision, comment: str = "") -> ChangeState:
    """AP-P2, C-REV: the district approves (applying the change), returns or rejects."""
    comment = (comment or "").strip()
    if len(comment) > REASON_MAX:
        raise ServiceError(f"审核意见不能超过{REASON_MAX}字")
    target = WORKFLOW.apply(actor, change, decision_action(decision), comment)
    if target == ChangeState.APPROVED and takes_effect_now(change):
        apply_change(actor, change, comment)
    elif target == ChangeState.APPROVED:
        _record_on_enrolment(actor, change, "status_change_scheduled", comment)
    else:
        _record_on_enrolment(actor, change, f"status_change_{target}", comment)
    db.session.flush()
    return target


def _set_enrolment(enrolment: Enrolment, sources, target: EnrolmentState, kind, **values) -> None:
    changed = db.session.execute(
        sa.update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.state.in_(sources))
        .values(state=target, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ServiceError(f"学徒当前为“{enrolment.state.label}”，不能{kind.label}；"
                           "请退回或不予批准并说明理由")


def takes_effect_now(change: StatusChange, day: date | None = None) -> bool:
    """AP-P2: a change of state takes effect on its effective date; an extension (which only
    moves the planned end) on approval."""
    return change.kind == K.EXTEND or change.effective_on <= (day or today())


def apply_change(actor, change: StatusChange, comment: str) -> None:
    """The approved change, in the decision's transaction (the view rolls back on refusal),
    or on its effective date by the daily job (`effects.apply_due`). Claimed first by a
    guarded UPDATE, so two runs of the job (or the job and a decision) apply it once."""
    claimed = db.session.execute(
        sa.update(StatusChange)
        .where(StatusChange.id == change.id, StatusChange.applied_at.is_(None))
        .values(applied_at=utcnow(), apply_error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AlreadyApplied("该学籍异动已经生效")
    db.session.refresh(change)
    _apply(actor, change, comment)


def _apply(actor, change: StatusChange, comment: str) -> None:
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.id == change.enrolment_id)
                                  .execution_options(populate_existing=True))
    sources, target = EFFECTS[change.kind]
    note = f"{describe(change)}：{comment}" if comment else describe(change)
    if change.kind == K.EXTEND:
        programme = db.session.get(Programme, enrolment.programme_id)
        before = approved_extension_months([enrolment.id])[enrolment.id] - change.extension_months
        problem = _extension_problem(programme, before, change.extension_months, change.reason)
        if problem:
            raise ServiceError(problem)
        if enrolment.state not in sources:
            raise ServiceError(f"学徒当前为“{enrolment.state.label}”，不能{change.kind.label}")
        audit.record(actor, ENROLMENT_OBJECT, enrolment.id, change.kind.value,
                     from_state=enrolment.state, to_state=enrolment.state, comment=note)
        return
    ended = {"ended_on": change.effective_on} if change.kind in (K.WITHDRAW, K.TRANSFER) else {}
    # AP-E5: the old enrolment leaves the holding states before a new one may be inserted.
    _set_enrolment(enrolment, sources, target, change.kind, **ended)
    audit.record(actor, ENROLMENT_OBJECT, enrolment.id, change.kind.value,
                 from_state=enrolment.state, to_state=target, comment=note)
    if change.kind in (K.WITHDRAW, K.TRANSFER):
        release_seat(enrolment.programme_id)
    if change.kind == K.TRANSFER:
        _transfer_in(actor, enrolment, change, note)


def _transfer_in(actor, old: Enrolment, change: StatusChange, note: str) -> Enrolment:
    """转入: a new registration in the target programme, checked as any (AP-E1..E7 on the
    effective date) and submitted to the district, which establishes it as any other
    (AP-A1 training agreement, AP-M1 both mentors, AP-P5 catalogues of that day)."""
    target = db.session.get(Programme, change.target_programme_id)
    if (target is None or target.enterprise_id != old.enterprise_id
            or target.state != ReviewState.APPROVED):
        raise ServiceError("目标项目已不可转入，转出未办理；请退回企业重新选择项目")
    person = db.session.get(Apprentice, old.apprentice_id)
    check_registration(target, Registration.of(old, person), change.effective_on)
    try:
        take_seats(target.id)
    except QuotaExceeded:
        raise ServiceError("目标项目已满，转出未办理；请退回企业重新选择项目") from None
    current = db.session.get(Programme, old.programme_id)
    new = Enrolment(
        programme_id=target.id, apprentice_id=old.apprentice_id,
        enterprise_id=target.enterprise_id, district_code=target.district_code,
        **Registration.of(old, person).enrolment_values(),
        enterprise_mentor_id=old.enterprise_mentor_id,
        # The institution teacher stays only when the institution does (AP-M1).
        teacher_id=old.teacher_id if current.institution_id == target.institution_id else None,
        state=EnrolmentState.SUBMITTED, submitted_at=utcnow(),
    )
    db.session.add(new)
    db.session.flush()
    audit.record(actor, ENROLMENT_OBJECT, new.id, "transfer_in",
                 to_state=EnrolmentState.SUBMITTED,
                 comment=f"由项目 {old.programme_id} 转入（学籍异动 {change.id}，原学籍 {old.id}），"
                         f"登记培训协议并配齐双导师后由区人社局审核建立学籍：{note}")
    return new
