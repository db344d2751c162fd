"""HS-W3: assigning experts, their scores, and the centre's decision with the quota.

Every step checks role, state and the rules again (a form is not the only way in), writes
an audit record on the proposal (C-AUD) and flushes; the view commits once.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.catalogue.parameters import parameters_on
from portal.clock import today
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.workflow import Transition, Workflow
from portal.extensions import db
from portal.high_skill.review import quota as tally
from portal.high_skill.review import rubric
from portal.high_skill.review.access import conflicted
from portal.models import HsAssignment, HsProposal, Organisation, ProposalState, Role, User
from portal.models.base import utcnow
from portal.rules.high_skill import (
    hs_quota_problems,
    hs_rubric_problems,
    hs_score_problems,
    hs_weighted_total,
)
from portal.rules.parameters import param

OBJECT_TYPE = "hs_proposal"
OPINION_MAX = 2000
REASON_MAX = 1000

CONFLICT = "该专家属于本项目的承办单位，存在利益冲突，不能评审本项目（规则 HS-W3）"
DECIDED = "市就业促进中心已对该项目作出立项决定，评审已结束"

P = ProposalState
_DECIDE = {"stamps": ("decided_at",), "actor_column": "decided_by_id",
           "comment_column": "decision_comment", "conflict": DECIDED,
           "refusal": "只有市就业促进中心可以确定立项"}
# HS-W3: only a submitted proposal is decided: approved with its quota, or rejected with a
# reason (C-REV). There is no return: a host improves a rejected plan in a new proposal.
WORKFLOW = Workflow(OBJECT_TYPE, [
    Transition("approve", (P.SUBMITTED,), P.APPROVED, "approve", **_DECIDE),
    Transition("reject", (P.SUBMITTED,), P.REJECTED, "reject", requires="reason", **_DECIDE),
])


# --- Assigning experts -----------------------------------------------------------------


def assign(actor, proposal: HsProposal, expert: User | None) -> HsAssignment:
    """HS-W3: the centre assigns an expert, never one of the host organisation."""
    if proposal.state != P.SUBMITTED:
        raise StateConflict(DECIDED if proposal.decided_at else "只能为待评审的项目分配专家")
    if not can(actor, "assign", proposal):
        raise NotAllowed("只有市就业促进中心可以分配评审专家")
    if expert is None or expert.role != Role.EXPERT or not expert.is_active_account:
        raise ServiceError("请选择评审专家")
    if conflicted(expert, proposal):
        raise ServiceError(CONFLICT)
    assignment = HsAssignment(proposal_id=proposal.id, expert_id=expert.id,
                              assigned_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(assignment)
    except IntegrityError:
        raise ServiceError(f"{expert.display_name}已分配评审本项目") from None
    audit.record(actor, OBJECT_TYPE, proposal.id, "assign_expert",
                 comment=f"分配评审专家：{expert.display_name}")
    db.session.flush()
    return assignment


def unassign(actor, proposal: HsProposal, assignment: HsAssignment) -> None:
    """HS-W3: the centre takes an expert off a proposal under review (their scores go)."""
    if assignment.proposal_id != proposal.id:
        raise ServiceError("该专家未分配评审本项目")
    if proposal.state != P.SUBMITTED:
        raise StateConflict(DECIDED)
    if not can(actor, "assign", proposal):
        raise NotAllowed("只有市就业促进中心可以调整评审专家")
    expert = db.session.get(User, assignment.expert_id)
    note = "（已提交的评分作废）" if assignment.scored_at else ""
    db.session.delete(assignment)
    audit.record(actor, OBJECT_TYPE, proposal.id, "unassign_expert",
                 comment=f"取消评审专家：{expert.display_name}{note}")
    db.session.flush()


# --- The expert's scores -----------------------------------------------------------------


def _active_weights() -> dict[str, int]:
    weights = {str(c.id): c.weight for c in rubric.criteria(active_only=True)}
    if hs_rubric_problems(list(weights.values())):
        raise ServiceError("评分标准尚未设置完整，请联系市就业促进中心（规则 HS-W3）")
    return weights


def score(actor, assignment: HsAssignment, scores: dict, opinion: str) -> int:
    """HS-W3: the assigned expert's score per active criterion (0..100) and opinion; the
    weighted total is kept. Editable until the centre decides. Returns the total."""
    proposal = db.session.get(HsProposal, assignment.proposal_id)
    if actor.role != Role.EXPERT or assignment.expert_id != actor.id:
        raise NotAllowed("只有分配的评审专家可以评分")
    if conflicted(actor, proposal):
        raise NotAllowed(CONFLICT)
    if proposal.state != P.SUBMITTED:
        raise StateConflict(DECIDED + "，评分不能再修改")
    weights = _active_weights()
    given = {str(key): value for key, value in scores.items()}
    if set(given) != set(weights) or any(v is None for v in given.values()):
        raise ServiceError("请为每个评分项打分（规则 HS-W3）")
    if hs_score_problems(list(given.values())):
        raise ServiceError("每项评分须为0–100的整数（规则 HS-W3）")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError("请填写评审意见（规则 HS-W3）")
    if len(opinion) > OPINION_MAX:
        raise ServiceError(f"评审意见不能超过{OPINION_MAX}字")
    total = hs_weighted_total(given, weights)
    again = assignment.scored_at is not None
    still_open = sa.exists().where(HsProposal.id == HsAssignment.proposal_id,
                                   HsProposal.state == P.SUBMITTED)
    # Guarded: a decision committed meanwhile leaves nothing to change.
    changed = db.session.execute(
        sa.update(HsAssignment).where(HsAssignment.id == assignment.id, still_open)
        .values(scores=given, total=total, opinion=opinion, scored_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise StateConflict(DECIDED + "，评分不能再修改")
    db.session.refresh(assignment)
    audit.record(actor, OBJECT_TYPE, proposal.id, "rescore" if again else "score",
                 comment=f"{actor.display_name}评分：{total}分")
    db.session.flush()
    return total


# --- The centre's decision -----------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    assigned: int = 0
    scored: int = 0

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and self.scored == self.assigned


def progress(proposal_ids: list[int]) -> dict[int, Progress]:
    """Assigned and scored experts per proposal, in one grouped query."""
    result = {pid: Progress() for pid in proposal_ids}
    if proposal_ids:
        rows = db.session.execute(
            sa.select(HsAssignment.proposal_id, sa.func.count(),
                      sa.func.count(HsAssignment.scored_at))
            .where(HsAssignment.proposal_id.in_(proposal_ids))
            .group_by(HsAssignment.proposal_id))
        result.update({pid: Progress(a, s) for pid, a, s in rows})
    return result


def quota_refusal(proposal: HsProposal, quota: int, params) -> str | None:
    """HS-P2, HS-W3: why `quota` cannot be this project's, in Chinese (None: it can)."""
    problems = hs_quota_problems(quota, proposal.planned_trainees, params=params)
    messages = []
    if "HS-P2" in problems:
        messages.append(f"核定研修人数不能少于每班最少人数{param(params, 'hs_class_min')}人"
                        "（规则 HS-P2）")
    if "HS-W3" in problems:
        messages.append(f"核定研修人数须大于0且不超过方案计划的{proposal.planned_trainees}人"
                        "（规则 HS-W3）")
    return "；".join(messages) or None


def approve(actor, proposal: HsProposal, quota: int, comment: str = "") -> None:
    """HS-W3: submitted → approved with its quota, once every assigned expert has scored;
    HS-P2: the year's city-wide quota stays within the cap (guarded UPDATE); HS-$2: never
    for a host disqualified meanwhile."""
    _require_submitted(proposal)
    WORKFLOW.check(actor, proposal, "approve")
    params = parameters_on(today())
    refusal = quota_refusal(proposal, quota, params)
    if refusal:
        raise ServiceError(refusal)
    host = db.session.get(Organisation, proposal.host_id)
    if host.hs_disqualified_at is not None:
        raise ServiceError(f"{host.name}已被取消承办资格，不能立项（规则 HS-$2）")
    done = progress([proposal.id])[proposal.id]
    if not done.complete:
        raise ServiceError(f"须在分配的评审专家全部提交评分后确定立项（已评分{done.scored}/"
                           f"{done.assigned}）（规则 HS-W3）")
    tally.reserve(proposal.year, quota, params)
    WORKFLOW.apply(actor, proposal, "approve", _comment(comment, f"核定研修人数{quota}人"),
                   values={"quota": quota})


def reject(actor, proposal: HsProposal, reason: str) -> None:
    """HS-W3, C-REV: submitted → rejected, with the reason the host reads."""
    if len((reason or "").strip()) > REASON_MAX:
        raise ServiceError(f"理由不能超过{REASON_MAX}字")
    _require_submitted(proposal)
    WORKFLOW.apply(actor, proposal, "reject", reason)


def _require_submitted(proposal: HsProposal) -> None:
    """HS-W3: only a proposal awaiting review is decided, and only once."""
    if proposal.state != P.SUBMITTED:
        label = ProposalState(proposal.state).label
        raise StateConflict(f"只有待评审的项目可以作出立项决定，该项目当前为“{label}”")


def _comment(comment: str, fact: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > REASON_MAX:
        raise ServiceError(f"意见不能超过{REASON_MAX}字")
    return f"{fact}。{comment}" if comment else fact
