"""Rows of claims, payments, funds and recoveries written directly, for the ledger, the holds
and the programme subsidy page (their services are built by other packages)."""

import itertools
from datetime import date, datetime

from portal.extensions import db
from portal.models import (
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Fund,
    FundSource,
    Payment,
    PaymentPart,
    Programme,
    Recovery,
    RecoveryState,
    Repayment,
    Role,
)
from tests.factories import make_user

_seq = itertools.count(1)


def make_claim(programme: Programme, accounts, kind: ClaimKind = ClaimKind.FIRST,
               state: ClaimState = ClaimState.SUBMITTED, amounts=None,
               submitted_at: datetime = datetime(2026, 4, 1, 9, 30), outcome=None) -> Claim:
    """A claim holding one line per account; first-claim lines carry the prepayment."""
    amounts = list(amounts) if amounts is not None else [a.prepayment for a in accounts]
    claim = Claim(number=f"BT2026-{next(_seq):06d}", kind=kind, programme_id=programme.id,
                  enterprise_id=programme.enterprise_id, district_code=programme.district_code,
                  state=state, headcount=len(accounts),
                  payable=sum(x for x in amounts if x > 0),
                  recoverable=-sum(x for x in amounts if x < 0),
                  submitted_at=None if state == ClaimState.DRAFT else submitted_at)
    db.session.add(claim)
    db.session.flush()
    for account, amount in zip(accounts, amounts, strict=True):
        db.session.add(ClaimLine(
            claim_id=claim.id, account_id=account.id, enrolment_id=account.enrolment_id,
            kind=kind, amount=amount, outcome=outcome,
            prepaid=account.prepayment if kind == ClaimKind.FINAL else None,
            entitlement=amount + account.prepayment if kind == ClaimKind.FINAL else None))
    db.session.commit()
    return claim


def make_fund(year: int = 2026, source: FundSource = FundSource.SPECIAL_ACCOUNT,
              available: int = 1_000_000, drawn: int = 0) -> Fund:
    """The year's fund of `source` (one per year and source): created, or topped up."""
    import sqlalchemy as sa

    fund = db.session.scalar(sa.select(Fund).where(Fund.year == year, Fund.source == source))
    if fund is None:
        fund = Fund(year=year, source=source, available=available, drawn=drawn)
        db.session.add(fund)
    else:
        fund.available += available
    db.session.commit()
    return fund


def pay(claim: Claim, parts: list[tuple[Fund, int]], paid_on: date = date(2026, 5, 10)) -> Payment:
    """The payment of `claim`, split over funds as given; the claim becomes paid."""
    clerk = make_user(Role.CENTER)
    payment = Payment(claim_id=claim.id, amount=sum(x for _f, x in parts), paid_on=paid_on,
                      voucher_no=f"PZ{next(_seq):06d}", recorded_by_id=clerk.id,
                      recorded_at=datetime(2026, 5, 10, 10, 0))
    db.session.add(payment)
    db.session.flush()
    for fund, amount in parts:
        db.session.add(PaymentPart(payment_id=payment.id, fund_id=fund.id, amount=amount))
        fund.drawn += amount
    claim.state = ClaimState.PAID
    db.session.commit()
    return payment


def make_recovery(line: ClaimLine, repayments=(), due_on: date = date(2026, 12, 31)) -> Recovery:
    """A recovery order for a negative final line, with repayments (amount, day)."""
    claim = db.session.get(Claim, line.claim_id)
    recovery = Recovery(claim_line_id=line.id, enrolment_id=line.enrolment_id,
                        programme_id=claim.programme_id, enterprise_id=claim.enterprise_id,
                        district_code=claim.district_code, amount=-line.amount, due_on=due_on)
    db.session.add(recovery)
    db.session.flush()
    clerk = make_user(Role.CENTER)
    for amount, day in repayments:
        db.session.add(Repayment(recovery_id=recovery.id, amount=amount, paid_on=day,
                                 voucher_no=f"HK{next(_seq):06d}", recorded_by_id=clerk.id,
                                 recorded_at=datetime(2026, 11, 1, 9, 0)))
        recovery.repaid += amount
    if recovery.repaid == recovery.amount:
        recovery.state = RecoveryState.SETTLED
    db.session.commit()
    return recovery


def lines_of(claim: Claim) -> list[ClaimLine]:
    import sqlalchemy as sa

    return list(db.session.scalars(sa.select(ClaimLine).where(ClaimLine.claim_id == claim.id)
                                   .order_by(ClaimLine.id)))
