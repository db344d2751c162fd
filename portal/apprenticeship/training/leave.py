"""Leave (请假/销假) of an apprentice in training, AP-P2.

The trainee asks on the phone for the enrolment they are in training on (it always comes
from the logged-in user, never from the request), the enterprise approves or rejects, the
trainee may cancel a request still pending and reports back (销假) after an approved leave.
Every step after the request is a transition of `WORKFLOW` (permission and state through
`access.can`, the audit record of C-AUD, a guarded update); the view commits.
"""

from datetime import date
from enum import StrEnum

import sqlalchemy as sa

from portal.clock import today  # noqa: F401 - today is part of this module's API
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.core.workflow import Transition, Workflow, decision_action
from portal.extensions import db
from portal.models import AuditLog, Enrolment, EnrolmentState, LeaveRequest, LeaveState
from portal.models.base import utcnow

OBJECT_TYPE = "leave_request"
REASON_MAX = 500  # the column's length

# Portal sanity limit, not a policy figure: a longer absence is a suspension of training
# (暂停培训), which the enterprise requests as a change of status and the district approves.
MAX_LEAVE_DAYS = 90

# Leave that still claims its days: a new request may not overlap one of these (AP-P2).
OPEN_STATES = (LeaveState.REQUESTED, LeaveState.APPROVED)

NOT_IN_TRAINING = "您当前不在培训中（暂停培训或已结束），不能请假（规则 AP-P2）"


class LeaveDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def label(self) -> str:
        return {"approve": "批准", "reject": "不批准"}[self.value]


L = LeaveState
_DECISION = {"permission": "decide", "stamps": ("decided_at",),
             "actor_column": "decided_by_id", "refusal": "您无权审批该请假申请"}
# AP-P2: the employer decides a pending request; the trainee withdraws it or reports back.
WORKFLOW = Workflow(OBJECT_TYPE, [
    Transition(LeaveDecision.APPROVE, (L.REQUESTED,), L.APPROVED, **_DECISION),
    Transition(LeaveDecision.REJECT, (L.REQUESTED,), L.REJECTED, requires="reason", **_DECISION),
    Transition("cancel", (L.REQUESTED,), L.CANCELLED, "cancel",
               refusal="只能撤回本人待审批的请假申请"),
    Transition("report_back", (L.APPROVED,), L.RETURNED, "report_back",
               refusal="只能为本人的请假销假",
               conflict="只有已批准的请假可以销假，该请假可能已销假或已处理"),
])


def leave_days(start: date, end: date) -> int:
    """Days of leave, both ends inclusive (a one-day leave starts and ends the same day)."""
    return (end - start).days + 1


def date_problems(start: date | None, end: date | None) -> list[str]:
    """AP-P2: the dates of a request, in plain Chinese (the form and the service both ask)."""
    if start is None or end is None:
        return ["请填写请假的开始和结束日期"]
    if end < start:
        return ["结束日期不能早于开始日期"]
    if leave_days(start, end) > MAX_LEAVE_DAYS:
        return [f"单次请假不能超过{MAX_LEAVE_DAYS}天；更长时间离岗请联系企业申请暂停培训（学籍异动）"]
    return []


def overlapping(enrolment_id: int, start: date, end: date) -> LeaveRequest | None:
    """AP-P2: an open leave of the same enrolment sharing at least one day (dates inclusive)."""
    return db.session.scalar(
        sa.select(LeaveRequest)
        .where(LeaveRequest.enrolment_id == enrolment_id,
               LeaveRequest.state.in_(OPEN_STATES),
               LeaveRequest.start_date <= end, LeaveRequest.end_date >= start)
        .order_by(LeaveRequest.start_date)
        .limit(1)
    )


def _hold_enrolment(enrolment_id: int) -> None:
    """Serialise requests of one enrolment until the view commits.

    The UPDATE takes the row lock on PostgreSQL (and the write lock on SQLite) before the
    overlap check reads, so two requests sent at once cannot both pass the check. It also
    re-checks, inside the transaction, that the apprentice is still in training.
    """
    touched = db.session.execute(
        sa.update(Enrolment)
        .where(Enrolment.id == enrolment_id, Enrolment.state == EnrolmentState.ACTIVE)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if touched != 1:
        raise ServiceError(NOT_IN_TRAINING)


def request_leave(actor, enrolment: Enrolment, start: date, end: date,
                  reason: str) -> LeaveRequest:
    """AP-P2: a trainee asks for leave for their own enrolment in training."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写请假原因（规则 AP-P2）")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"请假原因不能超过{REASON_MAX}字")
    problems = date_problems(start, end)
    if problems:
        raise ServiceError(problems[0])
    if enrolment.state != EnrolmentState.ACTIVE:
        raise ServiceError(NOT_IN_TRAINING)
    leave = LeaveRequest(enrolment_id=enrolment.id, start_date=start, end_date=end,
                         reason=reason, state=LeaveState.REQUESTED)
    if not can(actor, "request", leave):
        raise NotAllowed("只有在训学员本人可以为自己请假（规则 AP-P2）")
    _hold_enrolment(enrolment.id)
    clash = overlapping(enrolment.id, start, end)
    if clash is not None:
        raise ServiceError(
            f"与已有的请假（{clash.start_date}至{clash.end_date}，{clash.state.label}）时间重叠，"
            "请调整日期或先撤回原申请（规则 AP-P2）"
        )
    db.session.add(leave)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, leave.id, "request", to_state=LeaveState.REQUESTED,
                 comment=f"{start}至{end}（{leave_days(start, end)}天）：{reason}")
    db.session.flush()
    return leave


def decide(actor, leave: LeaveRequest, decision: LeaveDecision, comment: str = "") -> LeaveState:
    """AP-P2, C-REV: the enterprise approves or rejects (with a reason) a pending request."""
    comment = (comment or "").strip()
    action = decision_action(decision, LeaveDecision)
    WORKFLOW.check(actor, leave, action, comment)
    if len(comment) > REASON_MAX:
        raise ServiceError(f"审批意见不能超过{REASON_MAX}字")
    if decision == LeaveDecision.APPROVE:
        status = db.session.scalar(sa.select(Enrolment.state)
                                   .where(Enrolment.id == leave.enrolment_id))
        if status != EnrolmentState.ACTIVE:
            raise ServiceError("该学徒已不在培训中，不能批准请假，请选择不批准并说明理由")
    return WORKFLOW.apply(actor, leave, action, comment)


def cancel(actor, leave: LeaveRequest) -> None:
    """AP-P2: the trainee withdraws a request nobody has decided yet."""
    WORKFLOW.apply(actor, leave, "cancel")


def report_back(actor, leave: LeaveRequest, returned_on: date, on: date | None = None) -> None:
    """AP-P2 销假: the trainee records the day they came back from an approved leave."""
    on = on or today()
    WORKFLOW.check(actor, leave, "report_back")
    if returned_on is None:
        raise ServiceError("请填写返岗日期")
    if returned_on < leave.start_date:
        raise ServiceError(f"返岗日期不能早于请假开始日期（{leave.start_date}）")
    if returned_on > on:
        raise ServiceError("返岗日期不能晚于今天")
    WORKFLOW.apply(actor, leave, "report_back", f"返岗日期 {returned_on}",
                   {"returned_on": returned_on})


def decision_comments(leave_ids) -> dict[int, str]:
    """The enterprise's comment on each decided leave, from the audit log (one query)."""
    ids = list(leave_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(AuditLog.object_id, AuditLog.comment)
        .where(AuditLog.object_type == OBJECT_TYPE, AuditLog.object_id.in_(ids),
               AuditLog.action.in_([d.value for d in LeaveDecision]))
        .order_by(AuditLog.id)
    )
    return {object_id: comment for object_id, comment in rows if comment}
