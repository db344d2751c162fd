"""AP-$3, AP-$4, AP-W3, AP-W4: which apprentices a claim holds, and for how much.

First claim (首次补贴申请): every established apprentice of the programme whose prepayment
is not yet held by a claim; the line is the account's frozen prepayment (AP-P5).
Final claim (剩余补贴申请): every apprentice whose prepayment was paid and whose outcome is
known (agreed assessment, or withdrawal); the line is entitlement − prepaid, negative when
the prepayment is recovered. Amounts come from the rules layer with the parameters of the
establishment day (C-EFF).
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.extensions import db
from portal.models import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Enrolment,
    EnrolmentState,
    Outcome,
    SubsidyAccount,
    Verdict,
)

# 学籍已建立: the states of an established student record.
ESTABLISHED = (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED, EnrolmentState.COMPLETED)


def held(kind: ClaimKind) -> sa.Select:
    """Accounts a claim line of `kind` holds (not released by a rejection)."""
    return sa.select(ClaimLine.account_id).where(ClaimLine.kind == kind,
                                                  ClaimLine.released.is_(False))


@dataclass(frozen=True)
class LineFacts:
    account: SubsidyAccount
    amount: int
    entitlement: int | None = None
    prepaid: int | None = None
    outcome: Outcome | None = None


def first_lines(programme_id: int) -> list[LineFacts]:
    """AP-$4: established apprentices of the programme not yet held by a first claim."""
    accounts = db.session.scalars(
        sa.select(SubsidyAccount)
        .join(Enrolment, Enrolment.id == SubsidyAccount.enrolment_id)
        .where(SubsidyAccount.programme_id == programme_id, Enrolment.state.in_(ESTABLISHED),
               SubsidyAccount.id.not_in(held(ClaimKind.FIRST)))
        .order_by(SubsidyAccount.id)
    ).all()
    return [LineFacts(a, a.prepayment) for a in accounts]


def outcome_of(enrolment_state, assessment: Assessment | None) -> Outcome | None:
    """AP-$3, AP-S1, AP-$4: the outcome a final line pays for, or None while it is unknown.

    A transfer ends the record here as a withdrawal does: the prepayment is recovered in
    this programme, and the target programme prepays again once it establishes the record
    (money never moves between programmes)."""
    if enrolment_state in (EnrolmentState.WITHDRAWN, EnrolmentState.TRANSFERRED):
        return Outcome.WITHDRAWN
    if assessment is None or assessment.agreed_verdict is None:
        return None
    if assessment.agreed_verdict == Verdict.FAILED:
        return Outcome.FAILED
    if assessment.has_vocational_certificate:
        return Outcome.PASSED_CERTIFIED
    return Outcome.PASSED


def final_amounts(account: SubsidyAccount, outcome: Outcome, prepaid: int,
                  params: dict | None = None) -> tuple[int, int]:
    """AP-$3, AP-$4: (entitlement, remainder) of one apprentice; a withdrawal is entitled to 0.

    Computed with the parameters of the establishment day, so a later change of a figure
    never alters the apprentice's subsidy (C-EFF)."""
    passed = outcome in (Outcome.PASSED, Outcome.PASSED_CERTIFIED)
    certified = outcome == Outcome.PASSED_CERTIFIED
    params = params if params is not None else parameters_on(account.established_on)
    facts = (account.level, account.urgent, account.in_assessment_scope, passed, certified)
    entitlement = rules.subsidy_entitlement(*facts, params=params)
    if prepaid == account.prepayment:
        return entitlement, rules.subsidy_remainder(*facts, params=params)
    return entitlement, entitlement - prepaid


def paid_first_line() -> sa.Select:
    """(account id, prepaid) of every first line in a paid claim."""
    first = aliased(ClaimLine)
    return (sa.select(first.account_id, first.amount.label("prepaid"))
            .join(Claim, Claim.id == first.claim_id)
            .where(first.kind == ClaimKind.FIRST, first.released.is_(False),
                   Claim.state == ClaimState.PAID))


def final_lines(programme_id: int) -> list[LineFacts]:
    """AP-W3: apprentices whose prepayment was paid and whose outcome is known, not yet held
    by a final claim."""
    paid = paid_first_line().subquery()
    rows = db.session.execute(
        sa.select(SubsidyAccount, Enrolment.state, Assessment, paid.c.prepaid)
        .join(Enrolment, Enrolment.id == SubsidyAccount.enrolment_id)
        .join(paid, paid.c.account_id == SubsidyAccount.id)
        .outerjoin(Assessment, Assessment.enrolment_id == SubsidyAccount.enrolment_id)
        .where(SubsidyAccount.programme_id == programme_id,
               SubsidyAccount.id.not_in(held(ClaimKind.FINAL)))
        .order_by(SubsidyAccount.id)
    ).all()
    lines, params_of = [], {}
    for account, state, assessment, prepaid in rows:
        outcome = outcome_of(state, assessment)
        if outcome is None:
            continue
        day = account.established_on
        if day not in params_of:
            params_of[day] = parameters_on(day)
        entitlement, amount = final_amounts(account, outcome, prepaid, params_of[day])
        lines.append(LineFacts(account, amount, entitlement, prepaid, outcome))
    return lines


def has_paid_first_claim(programme_id: int) -> bool:
    """AP-W3: the first claim of the programme has been paid."""
    return db.session.scalar(
        sa.select(Claim.id).where(Claim.programme_id == programme_id,
                                  Claim.kind == ClaimKind.FIRST,
                                  Claim.state == ClaimState.PAID).limit(1)) is not None


def certificate_pending(account: SubsidyAccount, outcome: Outcome | None) -> bool:
    """AP-$3: a pass without a recorded vocational certificate pays less until one is recorded
    (85 % for ordinary occupations and urgent ones inside the assessment scope)."""
    if outcome != Outcome.PASSED:
        return False
    facts = (account.urgent, account.in_assessment_scope, True)
    return rules.subsidy_rate_pct(*facts, False) < rules.subsidy_rate_pct(*facts, True)
