"""Subsidy claims (AP-W3, AP-W4, AP-$3, AP-$4, AP-V2, C-REV): one service a step.

The enterprise builds a draft (首次 or 剩余补贴申请) from the lines `claim_lines` gathers,
submits it; the district reviews, the centre approves (C-REV: either may return or reject).
A rejection releases the lines so those apprentices may be claimed again; the centre's
approval of a final claim fixes each apprentice's outcome, locks the assessments (AP-W4)
and opens a recovery order (追回) for each negative remainder. Every step goes through
`CLAIM_WORKFLOW` or `audit.record` (C-AUD); services flush, the view commits.
"""

import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal import rules
from portal.apprenticeship.programmes.suspension import NOT_CLAIMING, refuse_claim_if_suspended
from portal.catalogue.parameters import parameters_on
from portal.clock import today
from portal.core import audit, notify
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.core.workflow import Decision, decision_action
from portal.extensions import db
from portal.models import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Programme,
    Recovery,
    ReviewState,
    SubsidyAccount,
)
from portal.models.base import utcnow
from portal.money import claim_lines
from portal.money.workflow import CLAIM_WORKFLOW, OBJECT_TYPE

RECOVERY_OBJECT = "recovery"
COMMENT_MAX = 1000

NOT_OWNER = "只有培训项目的申报企业可以申请补贴"
CLOSED = "项目已结项，不能再申请补贴（规则 AP-W3）"
NOT_APPROVED = "培训项目经审核批准后才能申请补贴（规则 AP-W3）"
NONE_FIRST = "没有可申请的学徒：本项目已建立学籍的学徒均已在首次补贴申请中（规则 AP-$4）"
NONE_FINAL = ("没有可申请剩余补贴的学徒：须预拨资金已拨付，且考核结果已确认或已退出培训"
              "（规则 AP-$4）")
FIRST_NOT_PAID = "首次补贴申请拨付后才能申请剩余补贴（规则 AP-W3）"
HELD_ELSEWHERE = ("部分学徒刚刚被另一份补贴申请占用，同一学徒不能重复申请（规则 AP-W4）；"
                  "请刷新页面后重试")
NOT_EDITABLE = "该补贴申请已提交，不能修改（规则 AP-W4）"
EMPTY_CLAIM = "补贴申请中没有学徒，不能提交（规则 AP-$4）"


# --- What the enterprise may start -------------------------------------------------------


def _owner_problem(actor, programme: Programme) -> str | None:
    if not can(actor, "own", programme):
        return NOT_OWNER
    if programme.state != ReviewState.APPROVED:
        return NOT_APPROVED
    if programme.closed_on is not None:
        return CLOSED
    return None


def first_claim_blocker(actor, programme: Programme) -> str | None:
    """Why a first claim cannot be started now (None: it can). Reads, never writes."""
    problem = _owner_problem(actor, programme)
    if problem is None and programme.suspended_on is not None:
        problem = NOT_CLAIMING
    if problem is None and not claim_lines.first_lines(programme.id):
        problem = NONE_FIRST
    return problem


def final_claim_blocker(actor, programme: Programme) -> str | None:
    """AP-W3: why a final claim cannot be started now (None: it can)."""
    problem = _owner_problem(actor, programme)
    if problem is None and programme.suspended_on is not None:
        problem = NOT_CLAIMING
    if problem is None and not claim_lines.has_paid_first_claim(programme.id):
        problem = FIRST_NOT_PAID
    if problem is None and not claim_lines.final_lines(programme.id):
        problem = NONE_FINAL
    return problem


# --- Building a draft --------------------------------------------------------------------


def _write_lines(claim: Claim, lines: list[claim_lines.LineFacts]) -> None:
    """The claim's lines and its totals; the partial unique index refuses an apprentice held
    by another claim (a concurrent one), answered in words (AP-W4)."""
    for facts in lines:
        db.session.add(ClaimLine(
            claim_id=claim.id, account_id=facts.account.id,
            enrolment_id=facts.account.enrolment_id, kind=claim.kind, amount=facts.amount,
            entitlement=facts.entitlement, prepaid=facts.prepaid, outcome=facts.outcome))
    claim.payable = sum(f.amount for f in lines if f.amount > 0)
    claim.recoverable = -sum(f.amount for f in lines if f.amount < 0)
    claim.headcount = len(lines)
    try:
        db.session.flush()
    except IntegrityError as err:
        raise ServiceError(HELD_ELSEWHERE) from err


def _gather(claim_kind: ClaimKind, programme_id: int) -> list[claim_lines.LineFacts]:
    if claim_kind == ClaimKind.FIRST:
        return claim_lines.first_lines(programme_id)
    return claim_lines.final_lines(programme_id)


def _create(actor, programme: Programme, kind: ClaimKind, day: date | None) -> Claim:
    problem = _owner_problem(actor, programme)
    if problem:
        raise NotAllowed(problem)
    refuse_claim_if_suspended(programme)
    if kind == ClaimKind.FINAL and not claim_lines.has_paid_first_claim(programme.id):
        raise ServiceError(FIRST_NOT_PAID)
    lines = _gather(kind, programme.id)
    if not lines:
        raise ServiceError(NONE_FIRST if kind == ClaimKind.FIRST else NONE_FINAL)
    claim = Claim(number=f"TMP{uuid.uuid4().hex[:20]}", kind=kind, programme_id=programme.id,
                  enterprise_id=programme.enterprise_id, district_code=programme.district_code,
                  state=ClaimState.DRAFT, created_by_id=actor.id)
    db.session.add(claim)
    db.session.flush()
    claim.number = f"BT{(day or today()).year}-{claim.id:06d}"
    _write_lines(claim, lines)
    audit.record(actor, OBJECT_TYPE, claim.id, "create", to_state=ClaimState.DRAFT,
                 comment=f"{kind.label}，{claim.headcount}人")
    db.session.flush()
    return claim


def create_first_claim(actor, programme: Programme, day: date | None = None) -> Claim:
    """AP-$4, AP-W3: a draft 首次补贴申请 of every established apprentice not yet claimed;
    each line is the prepayment frozen on the account."""
    return _create(actor, programme, ClaimKind.FIRST, day)


def create_final_claim(actor, programme: Programme, day: date | None = None) -> Claim:
    """AP-W3, AP-$3, AP-$4: a draft 剩余补贴申请 after the first claim was paid: per apprentice
    with a known outcome, entitlement − prepaid (negative = recovery)."""
    return _create(actor, programme, ClaimKind.FINAL, day)


def refresh(actor, claim: Claim) -> Claim:
    """AP-W4: the owner re-gathers a draft or returned claim's lines (apprentices established
    or assessed since, certificates recorded since)."""
    if not can(actor, "edit", claim):
        raise NotAllowed(NOT_EDITABLE)
    programme = db.session.get(Programme, claim.programme_id)
    refuse_claim_if_suspended(programme)
    _regather(claim)
    audit.record(actor, OBJECT_TYPE, claim.id, "refresh", from_state=claim.state,
                 to_state=claim.state, comment=f"{claim.headcount}人")
    db.session.flush()
    return claim


def _regather(claim: Claim) -> None:
    """The claim's lines as they stand now (outcomes, certificates, withdrawals since)."""
    db.session.execute(sa.delete(ClaimLine).where(ClaimLine.claim_id == claim.id))
    db.session.flush()
    lines = _gather(claim.kind, claim.programme_id)
    if not lines:
        raise ServiceError(NONE_FIRST if claim.kind == ClaimKind.FIRST else NONE_FINAL)
    _write_lines(claim, lines)


def submit(actor, claim: Claim) -> ClaimState:
    """AP-W3, AP-V2, AP-$3: the owner sends the claim to the district (not while suspended),
    with its lines gathered afresh: a draft made before a certificate was recorded or an
    apprentice withdrew is never sent with yesterday's amounts."""
    CLAIM_WORKFLOW.check(actor, claim, "submit")
    refuse_claim_if_suspended(db.session.get(Programme, claim.programme_id))
    _regather(claim)
    if not claim.headcount:
        raise ServiceError(EMPTY_CLAIM)
    return CLAIM_WORKFLOW.apply(actor, claim, "submit")


# --- Reviews (C-REV) -----------------------------------------------------------------------


def _comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(f"审核意见不能超过{COMMENT_MAX}字")
    return comment


def _release(claim: Claim) -> None:
    """A rejected claim lets go of its apprentices, who may be claimed again."""
    db.session.execute(sa.update(ClaimLine).where(ClaimLine.claim_id == claim.id)
                       .values(released=True).execution_options(synchronize_session=False))


def district_review(actor, claim: Claim, decision: Decision, comment: str = "") -> ClaimState:
    """C-REV, C-DIST: the claim's district approves, returns (comment) or rejects (reason)."""
    target = CLAIM_WORKFLOW.apply(actor, claim, f"district_{decision_action(decision)}",
                                  _comment(comment))
    if target == ClaimState.REJECTED:
        _release(claim)
    db.session.flush()
    return target


def centre_review(actor, claim: Claim, decision: Decision, comment: str = "",
                  day: date | None = None) -> ClaimState:
    """C-REV: the centre approves, returns or rejects; approving a final claim settles its
    apprentices' outcomes (AP-$3), locks their assessments (AP-W4) and opens the recoveries
    of negative remainders (AP-$4)."""
    target = CLAIM_WORKFLOW.apply(actor, claim, f"centre_{decision_action(decision)}",
                                  _comment(comment))
    if target == ClaimState.REJECTED:
        _release(claim)
    elif target == ClaimState.APPROVED and claim.kind == ClaimKind.FINAL:
        _settle_final(actor, claim, day or today())
    db.session.flush()
    return target


def _settle_final(actor, claim: Claim, day: date) -> None:
    lines = db.session.scalars(sa.select(ClaimLine).where(ClaimLine.claim_id == claim.id)
                               .order_by(ClaimLine.id)).all()
    now = utcnow()
    db.session.execute(
        sa.update(Assessment)
        .where(Assessment.enrolment_id.in_([line.enrolment_id for line in lines]),
               Assessment.locked_at.is_(None))
        .values(locked_at=now).execution_options(synchronize_session=False))
    for line in lines:
        db.session.execute(
            sa.update(SubsidyAccount).where(SubsidyAccount.id == line.account_id)
            .values(outcome=line.outcome, entitlement=line.entitlement, updated_at=now)
            .execution_options(synchronize_session=False))
    due_on = day + timedelta(days=rules.param(parameters_on(day), "recovery_due_days"))
    for line in lines:
        if line.amount >= 0:
            continue
        recovery = Recovery(claim_line_id=line.id, enrolment_id=line.enrolment_id,
                            programme_id=claim.programme_id, enterprise_id=claim.enterprise_id,
                            district_code=claim.district_code, amount=-line.amount,
                            due_on=due_on)
        db.session.add(recovery)
        db.session.flush()
        audit.record(actor, RECOVERY_OBJECT, recovery.id, "open", to_state="open",
                     comment=f"{claim.number}：追回{recovery.amount}元，{due_on}前")
        # Issue 14 item 9: the enterprise hears of the order in the settling transaction.
        notify.notify(notify.org_users(claim.enterprise_id), "recovery",
                      f"补贴追回：请于 {due_on} 前缴回 {recovery.amount} 元",
                      body=f"补贴申请 {claim.number} 结算多拨部分", object_type=RECOVERY_OBJECT,
                      object_id=recovery.id)
