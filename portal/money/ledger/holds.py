"""Why is this payment held? (issue 12 item 7): the facts of a page of subsidy accounts,
gathered in a constant number of queries, decided by `portal.rules.holds`."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.extensions import db
from portal.models import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimLine,
    Enrolment,
    EnrolmentState,
    Fund,
    Payment,
    Programme,
    Recovery,
    Rectification,
    SubsidyAccount,
)

ESTABLISHED = {EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED, EnrolmentState.COMPLETED,
               EnrolmentState.WITHDRAWN, EnrolmentState.TRANSFERRED}


@dataclass(frozen=True)
class AccountHolds:
    prepayment: rules.Hold
    remainder: rules.Hold


def funds_remaining(year: int) -> int | None:
    """AP-$5: what is left in the year's funds, all sources together (None: none recorded)."""
    left = db.session.scalar(sa.select(sa.func.sum(Fund.available - Fund.drawn))
                             .where(Fund.year == year))
    return None if left is None else int(left)


def _claims(account_ids: list[int]) -> dict[tuple[int, str], tuple]:
    """(account, kind) → (claim state, payable, paid on) of the line that is not released."""
    rows = db.session.execute(
        sa.select(ClaimLine.account_id, ClaimLine.kind, Claim.state, Claim.payable,
                  Payment.paid_on)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .outerjoin(Payment, Payment.claim_id == Claim.id)
        .where(ClaimLine.account_id.in_(account_ids), ClaimLine.released.is_(False))
    ).all()
    return {(a, ClaimKind(k).value): (str(state), payable, paid_on)
            for a, k, state, payable, paid_on in rows}


def holds_for(accounts: list[SubsidyAccount], day: date) -> dict[int, AccountHolds]:
    """Each account's status of its prepayment and of its remainder, in six queries."""
    if not accounts:
        return {}
    ids = [a.id for a in accounts]
    enrolment_ids = [a.enrolment_id for a in accounts]
    states = dict(db.session.execute(
        sa.select(Enrolment.id, Enrolment.state).where(Enrolment.id.in_(enrolment_ids))).all())
    # AP-V2: the suspension (and its open rectification order) a held line names.
    suspended = {pid: (on, by) for pid, on, by in db.session.execute(
        sa.select(Programme.id, Programme.suspended_on, Rectification.deadline)
        .outerjoin(Rectification, sa.and_(Rectification.programme_id == Programme.id,
                                          Rectification.lifted_on.is_(None)))
        .where(Programme.id.in_({a.programme_id for a in accounts}))).all()}
    assessed = {row.enrolment_id: row for row in db.session.scalars(
        sa.select(Assessment).where(Assessment.enrolment_id.in_(enrolment_ids)))}
    recoveries = {e: (str(state), outstanding) for e, state, outstanding in db.session.execute(
        sa.select(Recovery.enrolment_id, Recovery.state, Recovery.amount - Recovery.repaid)
        .where(Recovery.enrolment_id.in_(enrolment_ids))).all()}
    claims = _claims(ids)
    remaining = funds_remaining(day.year)
    found = {}
    for a in accounts:
        state = EnrolmentState(states[a.enrolment_id])
        since, rectify_by = suspended.get(a.programme_id, (None, None))
        stopped = since is not None
        first = claims.get((a.id, ClaimKind.FIRST.value))
        final = claims.get((a.id, ClaimKind.FINAL.value))
        verdicts = assessed.get(a.enrolment_id)
        recovery = recoveries.get(a.enrolment_id, (None, 0))
        found[a.id] = AccountHolds(
            prepayment=rules.prepayment_hold(
                established=state in ESTABLISHED, programme_suspended=stopped,
                claim_state=first[0] if first else None, paid_on=first[2] if first else None,
                claim_payable=first[1] if first else 0, fund_remaining=remaining,
                suspended_on=since, rectify_by=rectify_by),
            remainder=rules.remainder_hold(
                enrolment_state=state.value, programme_suspended=stopped, urgent=a.urgent,
                in_assessment_scope=a.in_assessment_scope,
                enterprise_verdict=_value(verdicts and verdicts.enterprise_verdict),
                institution_verdict=_value(verdicts and verdicts.institution_verdict),
                has_certificate=bool(verdicts and verdicts.has_vocational_certificate),
                claim_state=final[0] if final else None, paid_on=final[2] if final else None,
                claim_payable=final[1] if final else 0, fund_remaining=remaining,
                recovery_state=recovery[0], recovery_outstanding=recovery[1],
                suspended_on=since, rectify_by=rectify_by),
        )
    return found


def _value(verdict) -> str | None:
    return None if verdict is None else str(verdict.value if hasattr(verdict, "value") else verdict)
