"""HS-$1, HS-$2, C-REV: the host's funding claim (研修培训经费申请) of a completed project.

One claim per project: the amount is never typed, it is `hs_funding(size of the filed
completion roster)` with the parameters in force that day (C-EFF), recomputed on every
submission. The claim is the shared `Claim` (kind HS_FUNDING, no lines) moving through the
HS path of `money.workflow.CLAIM_WORKFLOW`; payment is the shared `money.payments` service.
"""

import uuid
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.clock import today
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.workflow import decision_action
from portal.extensions import db
from portal.high_skill.access import owns
from portal.high_skill.funding.access import host_disqualified
from portal.high_skill.funding.roster import filed_roster, listed_size
from portal.models import Claim, ClaimKind, ClaimState, HsProposal, Organisation, ProposalState
from portal.models.base import utcnow
from portal.money.workflow import CLAIM_WORKFLOW, OBJECT_TYPE
from portal.rules import high_skill as hs_rules

COMMENT_MAX = 1000
NOT_OWNER = "只有本项目的承办单位可以申请研修经费（规则 HS-$1）"
NOT_COMPLETED = "项目结业备案后才能申请研修经费（规则 HS-$1）"
NO_ROSTER = "尚未报送结业登记备案名册，或名册中没有学员，不能申请研修经费（规则 HS-$1）"
DISQUALIFIED = "承办单位已因弄虚作假被取消承办资格，不能申请研修经费（规则 HS-$2）"
ALREADY_CLAIMED = "本项目已申请过研修经费（{number}），每个项目只能申请一次（规则 HS-$1）"
MESSAGES = {"HS-$1": NO_ROSTER, "HS-$2": DISQUALIFIED}


def claim_of(proposal_id: int) -> Claim | None:
    return db.session.scalar(sa.select(Claim).where(Claim.hs_proposal_id == proposal_id)
                             .order_by(Claim.id).limit(1))


def _rule_problem(proposal: HsProposal) -> str | None:
    roster = filed_roster(proposal.id)
    problems = hs_rules.hs_claim_problems(
        roster_filed=roster is not None, roster_size=roster.size if roster else 0,
        host_disqualified=host_disqualified(proposal))
    return MESSAGES[problems[0]] if problems else None


def claim_blocker(actor, proposal: HsProposal) -> str | None:
    """Why the host cannot start the claim now (None: it can). Reads, never writes."""
    if not owns(actor, proposal):
        return NOT_OWNER
    if proposal.state != ProposalState.COMPLETED:
        return NOT_COMPLETED
    existing = claim_of(proposal.id)
    if existing is not None:
        return ALREADY_CLAIMED.format(number=existing.number)
    return _rule_problem(proposal)


def funding_for(proposal_id: int, day: date) -> tuple[int, int]:
    """HS-$1: (headcount, amount) with the rate and base in force on `day`: the filed
    roster's size, or the filed list's when the centre pays per listed trainee."""
    roster = filed_roster(proposal_id)
    params = parameters_on(day)
    size = hs_rules.hs_funding_headcount(roster.size if roster else 0,
                                         listed_size(proposal_id), params=params)
    return size, hs_rules.hs_funding(size, params=params)


def _lock_project(proposal: HsProposal) -> None:
    """Serialise claims of one project: a guarded UPDATE of the project row holds its lock
    until commit (PostgreSQL; SQLite serialises every writer), so of two clicks the second
    sees the first's claim and is refused."""
    changed = db.session.execute(
        sa.update(HsProposal)
        .where(HsProposal.id == proposal.id, HsProposal.state == ProposalState.COMPLETED)
        .values(updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise StateConflict(NOT_COMPLETED)


def create_claim(actor, proposal: HsProposal, day: date | None = None) -> Claim:
    """HS-$1: a draft claim of the project, amount from the filed roster; one per project."""
    day = day or today()
    if not owns(actor, proposal):
        raise NotAllowed(NOT_OWNER)
    if proposal.state != ProposalState.COMPLETED:
        raise ServiceError(NOT_COMPLETED)
    _lock_project(proposal)
    problem = claim_blocker(actor, proposal)
    if problem:
        raise ServiceError(problem)
    size, amount = funding_for(proposal.id, day)
    host = db.session.get(Organisation, proposal.host_id)
    claim = Claim(number=f"TMP{uuid.uuid4().hex[:20]}", kind=ClaimKind.HS_FUNDING,
                  hs_proposal_id=proposal.id, enterprise_id=host.id,
                  district_code=host.district_code, state=ClaimState.DRAFT,
                  payable=amount, recoverable=0, headcount=size, created_by_id=actor.id)
    db.session.add(claim)
    db.session.flush()
    claim.number = f"YXJF{day.year}-{claim.id:06d}"
    audit.record(actor, OBJECT_TYPE, claim.id, "create", to_state=ClaimState.DRAFT,
                 comment=f"{ClaimKind.HS_FUNDING.label}，{size}人，{amount}元")
    db.session.flush()
    return claim


def submit(actor, claim: Claim, day: date | None = None) -> ClaimState:
    """HS-$1, HS-$2: the host sends the claim to the centre, its amount recomputed from the
    filed roster (the rate of the day, C-EFF); a disqualified host cannot."""
    CLAIM_WORKFLOW.check(actor, claim, "hs_submit")
    proposal = db.session.get(HsProposal, claim.hs_proposal_id)
    problem = _rule_problem(proposal)
    if problem:
        raise ServiceError(problem)
    size, amount = funding_for(proposal.id, day or today())
    return CLAIM_WORKFLOW.apply(actor, claim, "hs_submit", comment=f"{size}人，{amount}元",
                                values={"payable": amount, "headcount": size})


def review(actor, claim: Claim, decision, comment: str = "") -> ClaimState:
    """C-REV, HS-$1, HS-$2: the centre approves, returns (comment) or rejects (reason); it
    cannot approve the claim of a disqualified host."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(f"审核意见不能超过{COMMENT_MAX}字")
    step = f"hs_{decision_action(decision)}"
    if step == "hs_approve":
        CLAIM_WORKFLOW.check(actor, claim, step, comment)
        if host_disqualified(db.session.get(HsProposal, claim.hs_proposal_id)):
            raise ServiceError(DISQUALIFIED)
    return CLAIM_WORKFLOW.apply(actor, claim, step, comment)


def rate_today() -> int:
    """HS-$1: yuan per trainee in force today (for the page's explanation)."""
    return rules.param(parameters_on(today()), "hs_funding_per_trainee")
