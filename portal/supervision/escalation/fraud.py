"""AP-V3, HS-$2: a fraud finding (骗取、套取补贴) on an enterprise's programme or a host's
project: the money concerned is recovered through the original channel (a recovery order
the payee repays), the case may be referred (移交纪检监察 / 司法), and the organisation carries
the record ("存在骗取补贴记录", derived from its fraud cases).

Services flush, never commit; each audits (C-AUD) and notifies in the same transaction.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.clock import today
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError
from portal.core.notify import center_staff, district_staff, notify, org_users
from portal.extensions import db
from portal.models import (
    Claim,
    ClaimState,
    FraudCase,
    HsProposal,
    Organisation,
    Payment,
    Programme,
    Recovery,
    Referral,
    Role,
)
from portal.models.base import utcnow
from portal.money import recoveries
from portal.supervision.escalation.access import may_record_fraud

OBJECT_TYPE = "fraud_case"
FINDINGS_MAX = 4000
NOTE_MAX = 500
NOT_ALLOWED = "只有项目所在区人社局或市级可以登记骗取补贴的查处结果（规则 AP-V3）"


@dataclass(frozen=True)
class FraudOutcome:
    case: FraudCase
    recovery: Recovery | None


def _clean(found_on: date | None, findings: str, referral, note: str):
    if found_on is None:
        raise ServiceError("请填写查实日期")
    if found_on > today():
        raise ServiceError("查实日期不能晚于今天")
    findings, note = (findings or "").strip(), (note or "").strip()
    if not findings:
        raise ServiceError("请填写查实的骗取、套取补贴情况（规则 AP-V3）")
    if len(findings) > FINDINGS_MAX:
        raise ServiceError(f"查处情况不能超过{FINDINGS_MAX}字")
    try:
        referral = Referral(referral or Referral.NONE)
    except ValueError:
        raise ServiceError("请选择移交情况（规则 AP-V3）") from None
    if len(note) > NOTE_MAX:
        raise ServiceError(f"移交说明不能超过{NOTE_MAX}字")
    return findings, referral, note


def unrecovered_paid(programme_id: int) -> int:
    """AP-V3: money paid on the programme not yet under a recovery order."""
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0))
        .join(Claim, Claim.id == Payment.claim_id)
        .where(Claim.programme_id == programme_id, Claim.state == ClaimState.PAID)) or 0
    ordered = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Recovery.amount), 0))
        .where(Recovery.programme_id == programme_id)) or 0
    return max(0, paid - ordered)


def record(actor, programme: Programme, *, found_on: date | None, findings: str,
           referral=Referral.NONE, referral_note: str = "") -> FraudOutcome:
    """AP-V3: record the finding on the programme's enterprise, open a recovery order of
    the paid money not yet recovered, record the referral, tell the enterprise and the
    district and centre staff."""
    if not may_record_fraud(actor, programme):
        raise NotAllowed(NOT_ALLOWED)
    findings, referral, referral_note = _clean(found_on, findings, referral, referral_note)
    # Hold the programme row (a no-op UPDATE) so two findings at once recover the money
    # once: the second waits for the first's commit, then sees its recovery order.
    db.session.execute(sa.update(Programme).where(Programme.id == programme.id)
                       .values(updated_at=utcnow())
                       .execution_options(synchronize_session=False))
    case = FraudCase(organisation_id=programme.enterprise_id,
                     district_code=programme.district_code, programme_id=programme.id,
                     found_on=found_on, findings=findings, referral=referral,
                     referral_note=referral_note,
                     referred_on=found_on if referral != Referral.NONE else None,
                     recorded_by_id=actor.id)
    db.session.add(case)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, case.id, "record", to_state=referral,
                 comment=f"{found_on.isoformat()}查实骗取补贴：{findings[:200]}；{referral.label}"
                         + (f"（{referral_note}）" if referral_note else ""))
    amount = unrecovered_paid(programme.id)
    recovery = None
    if amount > 0:
        recovery = recoveries.open_order(
            actor, amount=amount, reason=f"查实骗取补贴（规则 AP-V3）：{findings[:300]}",
            enterprise_id=programme.enterprise_id, district_code=programme.district_code,
            day=today(), programme_id=programme.id,
            comment=f"骗取补贴案件{case.id}：按原渠道追回已拨付补贴{amount}元（规则 AP-V3）")
    body = f"{found_on.isoformat()}查实骗取、套取补贴" + (
        f"，应退回已拨付补贴{amount}元" if amount else "") + f"；{referral.label}"
    notify(org_users(programme.enterprise_id), "fraud", "骗取补贴查处结果（规则 AP-V3）",
           body=body, link=f"/enterprise/recoveries/{recovery.id}" if recovery else "",
           object_type=OBJECT_TYPE, object_id=case.id)
    staff = district_staff(programme.district_code) if actor.role == Role.CENTER else center_staff()
    where = "district" if actor.role == Role.CENTER else "center"
    notify(staff, "fraud", "骗取补贴案件已登记（规则 AP-V3）", body=body,
           link=f"/{where}/fraud-cases/{case.id}", object_type=OBJECT_TYPE, object_id=case.id)
    db.session.flush()
    return FraudOutcome(case, recovery)


def record_hs_case(actor, proposal: HsProposal, findings: str, found_on: date) -> FraudCase:
    """HS-$2: the centre's fraud finding on a project joins the host's fraud record (the
    disqualification and the recovery are the high-skill check's)."""
    host = db.session.get(Organisation, proposal.host_id)
    case = FraudCase(organisation_id=host.id, district_code=host.district_code,
                     hs_proposal_id=proposal.id, found_on=found_on,
                     findings=(findings or "").strip() or "查实弄虚作假", recorded_by_id=actor.id)
    db.session.add(case)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, case.id, "record", to_state=Referral.NONE,
                 comment=f"研修项目查实弄虚作假（规则 HS-$2）：{case.findings[:200]}")
    return case


def cases_of_org(org_id: int) -> list[FraudCase]:
    """The organisation's fraud record (AP-V3, HS-$2), newest first."""
    return list(db.session.scalars(
        sa.select(FraudCase).where(FraudCase.organisation_id == org_id)
        .order_by(FraudCase.found_on.desc(), FraudCase.id.desc())))


def cases_of_programme(programme_id: int) -> list[FraudCase]:
    return list(db.session.scalars(
        sa.select(FraudCase).where(FraudCase.programme_id == programme_id)
        .order_by(FraudCase.found_on.desc(), FraudCase.id.desc())))


def recoveries_of_programme(programme_id: int) -> list[Recovery]:
    """The fraud recovery orders of the programme (no claim line behind them)."""
    return list(db.session.scalars(
        sa.select(Recovery).where(Recovery.programme_id == programme_id,
                                  Recovery.claim_line_id.is_(None))
        .order_by(Recovery.id)))
