"""AP-$5, AP-W3, AP-W4: the centre records the payment (拨付) of an approved claim.

One service call: the claim's "pay" step (a guarded state move, so a second click or a
second centre user is refused), the split over the funds of the payment's year
(special account first, then the employment fund, `rules.funding_source_for`; a high-skill
claim, HS-$1, only ever from the employment fund), each part
drawn with a guarded UPDATE, the `Payment` (unique per claim) and its `PaymentPart`s.
Any refusal raises before the caller commits, so nothing is half-written.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.clock import today
from portal.core import audit, notify
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import (
    Claim,
    ClaimKind,
    Fund,
    FundSource,
    HsProposal,
    Organisation,
    Payment,
    PaymentPart,
    Programme,
)
from portal.models.base import utcnow
from portal.money import closing, funds
from portal.money.workflow import CLAIM_WORKFLOW
from portal.rules import high_skill as hs_rules

OBJECT_TYPE = "payment"
VOUCHER_MAX = 40
SUSPENDED = "该培训项目停训整改期间，补贴暂停拨付（规则 AP-V2）"
HOST_DISQUALIFIED = "承办单位已因弄虚作假被取消承办资格，研修经费不予拨付（规则 HS-$2）"


@dataclass(frozen=True)
class PlannedPart:
    source: FundSource
    amount: int
    fund: Fund | None


@dataclass(frozen=True)
class PaymentPlan:
    """How `amount` would be split over the funds of `year` (AP-$5), and what refuses it."""

    year: int
    amount: int
    parts: tuple[PlannedPart, ...]
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _shortfall(year: int, part: PlannedPart) -> str:
    if part.fund is None:
        return (f"资金余额不足：尚未登记{year}年“{part.source.label}”的可用额度，"
                f"本次须列支{part.amount}元（规则 AP-$5）")
    return (f"资金余额不足：{year}年“{part.source.label}”剩余{part.fund.remaining}元，"
            f"本次须列支{part.amount}元（规则 AP-$5）")


def plan_for(amount: int, year: int, year_funds: dict[FundSource, Fund],
             high_skill: bool = False) -> PaymentPlan:
    """AP-$5, HS-$1: the split of `amount` given the funds of `year` (no query); a
    high-skill claim draws on the employment fund alone."""
    if high_skill:
        split = hs_rules.hs_funding_source_for(amount)
    else:
        special = year_funds.get(FundSource.SPECIAL_ACCOUNT)
        split = rules.funding_source_for(amount, special.remaining if special else 0)
    parts = tuple(PlannedPart(FundSource(code), part, year_funds.get(FundSource(code)))
                  for code, part in split)
    short = [p for p in parts if p.fund is None or p.fund.remaining < p.amount]
    return PaymentPlan(year, amount, parts, _shortfall(year, short[0]) if short else None)


def payment_plan(claim: Claim, paid_on: date) -> PaymentPlan:
    """AP-$5: how the claim's payable amount would be drawn on `paid_on` (one query)."""
    return plan_for(claim.payable, paid_on.year, funds.funds_of_year(paid_on.year),
                    high_skill=claim.hs_proposal_id is not None)


def _check_entries(paid_on: date | None, voucher_no: str) -> None:
    if not voucher_no:
        raise ServiceError("请填写拨付凭证号")
    if len(voucher_no) > VOUCHER_MAX:
        raise ServiceError(f"凭证号不能超过{VOUCHER_MAX}个字符")
    if paid_on is None:
        raise ServiceError("请填写拨付日期")
    if paid_on > today():
        raise ServiceError("拨付日期不能晚于今天")


def record_payment(actor, claim: Claim, paid_on: date | None, voucher_no: str) -> Payment:
    """AP-$5, AP-W4: pay an APPROVED claim exactly once; amount = claim.payable.

    Flushes, never commits: a refusal after a fund was drawn is undone by the caller's
    rollback (commit_or_refuse), so a payment is all or nothing.
    """
    voucher_no = (voucher_no or "").strip()
    CLAIM_WORKFLOW.check(actor, claim, "pay")
    _check_entries(paid_on, voucher_no)
    _refuse_if_blocked(claim)
    # The guarded state move first: the loser of two clicks stops here, before any fund.
    CLAIM_WORKFLOW.apply(actor, claim, "pay", comment=f"凭证号 {voucher_no}")
    plan = payment_plan(claim, paid_on)
    if not plan.ok:
        raise ServiceError(plan.problem)
    payment = Payment(claim_id=claim.id, amount=plan.amount, paid_on=paid_on,
                      voucher_no=voucher_no, recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(payment)
    db.session.flush()
    for part in plan.parts:
        if not funds.draw(part.fund, part.amount):
            # Another payment drew it first: refuse all of this one (the caller rolls back).
            raise ServiceError(_shortfall(plan.year, PlannedPart(
                part.source, part.amount, funds.funds_of_year(plan.year).get(part.source))))
        db.session.add(PaymentPart(payment_id=payment.id, fund_id=part.fund.id,
                                   amount=part.amount))
    sources = "；".join(f"{p.source.label}{p.amount}元" for p in plan.parts) or "无需列支"
    audit.record(actor, OBJECT_TYPE, payment.id, "pay", to_state="paid",
                 comment=f"{claim.number} 拨付{plan.amount}元（{sources}），凭证号 {voucher_no}")
    # Issue 14 item 9: the payee hears of the payment in the payment's transaction.
    notify.notify(notify.org_users(claim.enterprise_id), "payment",
                  f"补贴申请 {claim.number} 已拨付 {plan.amount} 元",
                  body=f"拨付日期 {paid_on}，凭证号 {voucher_no}", object_type="claim",
                  object_id=claim.id)
    db.session.flush()
    if claim.kind == ClaimKind.FINAL:
        closing.close_if_done(claim.programme_id, paid_on, actor=actor)
    return payment


def _refuse_if_blocked(claim: Claim) -> None:
    """AP-V2: no payment to a suspended programme; HS-$2: none to a disqualified host."""
    if claim.hs_proposal_id is None:
        programme = db.session.get(Programme, claim.programme_id)
        if programme.suspended_on is not None:
            raise ServiceError(SUSPENDED)
        return
    host = db.session.scalar(
        sa.select(Organisation).join(HsProposal, HsProposal.host_id == Organisation.id)
        .where(HsProposal.id == claim.hs_proposal_id))
    if host.hs_disqualified_at is not None:
        raise ServiceError(HOST_DISQUALIFIED)


def payment_of(claim_id: int) -> Payment | None:
    return db.session.scalar(sa.select(Payment).where(Payment.claim_id == claim_id))


def parts_of(payment_id: int) -> list[tuple[PaymentPart, Fund]]:
    """A payment's parts with their funds (source, year), in one query."""
    return list(db.session.execute(
        sa.select(PaymentPart, Fund).join(Fund, Fund.id == PaymentPart.fund_id)
        .where(PaymentPart.payment_id == payment_id).order_by(PaymentPart.id)).all())
