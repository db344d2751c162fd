"""Approved claims, funds and recovery orders written directly, for payments and recoveries
(the claim services are another package's; here only their result matters)."""

import itertools
from datetime import date

from portal.clock import today
from portal.extensions import db
from portal.models import (
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Fund,
    FundSource,
    Outcome,
    Recovery,
    Role,
)
from tests.factories import make_user
from tests.money_factories import approved_programme, established

_seq = itertools.count(1)
TODAY = today()


def centre_user():
    return make_user(Role.CENTER)


def approved_claim(programme=None, headcount: int = 1, kind: ClaimKind = ClaimKind.FIRST,
                   amounts: list[int] | None = None) -> Claim:
    """An APPROVED claim (待拨付) of `headcount` established apprentices.

    First claim: each line pays the account's prepayment. Final claim: `amounts` are the
    remainders (negative = recovered); payable and recoverable are their sums.
    """
    programme = programme or approved_programme()
    accounts = [established(programme)[1] for _ in range(headcount)]
    amounts = amounts or [a.prepayment for a in accounts]
    claim = Claim(number=f"BTP{next(_seq):06d}", kind=kind, programme_id=programme.id,
                  enterprise_id=programme.enterprise_id, district_code=programme.district_code,
                  state=ClaimState.APPROVED, headcount=headcount,
                  payable=sum(a for a in amounts if a > 0),
                  recoverable=-sum(a for a in amounts if a < 0))
    db.session.add(claim)
    db.session.flush()
    for account, amount in zip(accounts, amounts, strict=True):
        final = kind == ClaimKind.FINAL
        db.session.add(ClaimLine(
            claim_id=claim.id, account_id=account.id, enrolment_id=account.enrolment_id,
            kind=kind, amount=amount,
            prepaid=account.prepayment if final else None,
            entitlement=account.prepayment + amount if final else None,
            outcome=(Outcome.FAILED if amount < 0 else Outcome.PASSED) if final else None))
    db.session.commit()
    return claim


def make_fund(available: int, source: FundSource = FundSource.SPECIAL_ACCOUNT,
              year: int = TODAY.year, drawn: int = 0) -> Fund:
    fund = Fund(year=year, source=source, available=available, drawn=drawn)
    db.session.add(fund)
    db.session.commit()
    return fund


def recovery_of(claim: Claim, due_on: date = date(2026, 12, 31)) -> list[Recovery]:
    """The recovery orders of the negative lines of a final claim (as the centre's
    approval writes them)."""
    from sqlalchemy import select

    lines = db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id,
                                                       ClaimLine.amount < 0)).all()
    found = []
    for line in lines:
        recovery = Recovery(claim_line_id=line.id, enrolment_id=line.enrolment_id,
                            programme_id=claim.programme_id, enterprise_id=claim.enterprise_id,
                            district_code=claim.district_code, amount=-line.amount,
                            due_on=due_on)
        db.session.add(recovery)
        found.append(recovery)
    db.session.commit()
    return found


def final_claim_with_recovery(programme=None, due_on: date = date(2026, 12, 31)):
    """An approved final claim: one pass (remainder 1,750) and one fail (−2,500 recovered)."""
    programme = programme or approved_programme()
    claim = approved_claim(programme, headcount=2, kind=ClaimKind.FINAL, amounts=[1750, -2500])
    (recovery,) = recovery_of(claim, due_on)
    return claim, recovery
