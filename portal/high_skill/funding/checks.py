"""HS-W10, HS-$2: spot checks and third-party audits of a project, and what fraud entails.

The centre records a check (抽查) or audit (第三方审计) before or after payment. A fraud
finding (查实弄虚作假) disqualifies the host (取消承办资格: no proposal, no claim, no
payment afterwards) and, when the project was paid, opens a recovery order (追回) of the
paid amount through the shared recovery service's table.
"""

from datetime import date

import sqlalchemy as sa

from portal.clock import today
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import (
    CheckKind,
    CheckResult,
    Claim,
    ClaimState,
    HsCheck,
    HsProposal,
    Organisation,
    Payment,
    Recovery,
)
from portal.models.base import utcnow
from portal.money import recoveries
from portal.supervision.escalation import fraud as fraud_cases

OBJECT_TYPE = "hs_check"
ORG_OBJECT = "organisation"
RECOVERY_OBJECT = "recovery"
AUDITOR_MAX = 120
FINDINGS_MAX = 4000
ONLY_CENTRE = "只有市就业促进中心可以登记研修项目的抽查和审计（规则 HS-W10）"
FINDINGS_REQUIRED = "发现问题或查实弄虚作假的，须填写检查发现（规则 HS-W10）"


def _clean(kind, result, checked_on: date | None, auditor: str, findings: str):
    try:
        kind, result = CheckKind(kind), CheckResult(result)
    except ValueError:
        raise ServiceError("请选择检查方式和检查结论（规则 HS-W10）") from None
    if checked_on is None:
        raise ServiceError("请填写检查日期")
    if checked_on > today():
        raise ServiceError("检查日期不能晚于今天")
    auditor, findings = (auditor or "").strip(), (findings or "").strip()
    if kind == CheckKind.THIRD_PARTY_AUDIT and not auditor:
        raise ServiceError("第三方审计须填写审计机构（规则 HS-W10）")
    if len(auditor) > AUDITOR_MAX:
        raise ServiceError(f"检查人或审计机构不能超过{AUDITOR_MAX}字")
    if result != CheckResult.CLEAR and not findings:
        raise ServiceError(FINDINGS_REQUIRED)
    if len(findings) > FINDINGS_MAX:
        raise ServiceError(f"检查发现不能超过{FINDINGS_MAX}字")
    return kind, result, auditor, findings


def record_check(actor, proposal: HsProposal, *, kind, result, checked_on: date | None,
                 auditor: str = "", findings: str = "", day: date | None = None) -> HsCheck:
    """HS-W10, HS-$2, C-AUD: record a check; a fraud finding disqualifies the host and
    recovers a paid project's funding. Flushes, never commits."""
    if not can(actor, "record_check", proposal):
        raise NotAllowed(ONLY_CENTRE)
    kind, result, auditor, findings = _clean(kind, result, checked_on, auditor, findings)
    check = HsCheck(proposal_id=proposal.id, kind=kind, checked_on=checked_on,
                    auditor=auditor, result=result, findings=findings,
                    recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(check)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, check.id, "record", to_state=result,
                 comment=f"{proposal.title}：{kind.label}，{result.label}"
                         + (f"；{findings[:200]}" if findings else ""))
    if result == CheckResult.FRAUD:
        reason = f"{kind.label}{checked_on}查实弄虚作假（规则 HS-$2）：{findings[:300]}"
        disqualify_host(actor, proposal, reason)
        open_recovery(actor, proposal, reason, day or today())
        # AP-V3: the organisation's fraud record is one list, programmes and projects alike.
        fraud_cases.record_hs_case(actor, proposal, findings, checked_on)
    db.session.flush()
    return check


def disqualify_host(actor, proposal: HsProposal, reason: str) -> bool:
    """HS-$2: 取消承办资格. Guarded (… WHERE hs_disqualified_at IS NULL): a host already
    disqualified keeps its first date and reason; True when this call disqualified it."""
    changed = db.session.execute(
        sa.update(Organisation)
        .where(Organisation.id == proposal.host_id, Organisation.hs_disqualified_at.is_(None))
        .values(hs_disqualified_at=utcnow(), hs_disqualified_reason=reason[:500])
        .execution_options(synchronize_session=False)).rowcount
    host = db.session.get(Organisation, proposal.host_id)
    db.session.refresh(host)
    if changed == 1:
        audit.record(actor, ORG_OBJECT, host.id, "hs_disqualify", from_state="qualified",
                     to_state="hs_disqualified", comment=reason)
    return changed == 1


def _paid_claim(proposal_id: int) -> tuple[Claim, Payment] | None:
    row = db.session.execute(
        sa.select(Claim, Payment).join(Payment, Payment.claim_id == Claim.id)
        .where(Claim.hs_proposal_id == proposal_id, Claim.state == ClaimState.PAID)).first()
    return (row.Claim, row.Payment) if row else None


def open_recovery(actor, proposal: HsProposal, reason: str, day: date) -> Recovery | None:
    """HS-$2: a recovery order of the paid amount (none if unpaid, or one is already open
    or settled for the project), due after `recovery_due_days` (C-EFF: of `day`)."""
    # Hold the project row (a no-op UPDATE) so two findings at once open one order: the
    # second waits for the first's commit, then sees its recovery.
    db.session.execute(sa.update(HsProposal).where(HsProposal.id == proposal.id)
                       .values(updated_at=utcnow()).execution_options(synchronize_session=False))
    paid = _paid_claim(proposal.id)
    if paid is None or paid[1].amount <= 0:
        return None
    existing = db.session.scalar(sa.select(Recovery.id).where(
        Recovery.hs_proposal_id == proposal.id))
    if existing is not None:
        return None
    claim, payment = paid
    recovery = recoveries.open_order(
        actor, amount=payment.amount, reason=reason, enterprise_id=claim.enterprise_id,
        district_code=claim.district_code, day=day, hs_proposal_id=proposal.id,
        comment=f"{claim.number}：追回研修经费{payment.amount}元（规则 HS-$2）")
    return recovery


def checks_of(proposal_id: int) -> list[HsCheck]:
    return list(db.session.scalars(
        sa.select(HsCheck).where(HsCheck.proposal_id == proposal_id)
        .order_by(HsCheck.checked_on.desc(), HsCheck.id.desc())))
