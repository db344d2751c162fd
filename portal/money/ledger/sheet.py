"""A programme's subsidy sheet (补贴明细, AP-$3, AP-$4): per apprentice the frozen prepayment,
the outcome, the entitlement and the remainder from the rules layer, and the hold reason."""

from dataclasses import dataclass

import sqlalchemy as sa

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.extensions import db
from portal.models import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    EnrolmentState,
    Outcome,
    SubsidyAccount,
    Verdict,
)

# Outcome → (passed, has a vocational certificate) as the rules take them (AP-$3).
_OUTCOME_FACTS = {Outcome.PASSED_CERTIFIED: (True, True), Outcome.PASSED: (True, False),
                  Outcome.FAILED: (False, False), Outcome.WITHDRAWN: (False, False)}


@dataclass(frozen=True)
class Figures:
    outcome: Outcome | None
    entitlement: int | None
    remainder: int | None
    # When the outcome is not known yet: (outcome, entitlement, remainder) of each case.
    cases: tuple = ()


def known_outcome(enrolment_state, assessment: Assessment | None, stored: Outcome | None):
    """The outcome stored on the account, else the agreed assessment, else a withdrawal."""
    if stored is not None:
        return Outcome(stored)
    if EnrolmentState(enrolment_state) in (EnrolmentState.WITHDRAWN, EnrolmentState.TRANSFERRED):
        return Outcome.WITHDRAWN
    if assessment is None or assessment.agreed_verdict is None:
        return None
    if assessment.agreed_verdict == Verdict.FAILED:
        return Outcome.FAILED
    return Outcome.PASSED_CERTIFIED if assessment.has_vocational_certificate else Outcome.PASSED


def figures(account: SubsidyAccount, outcome: Outcome | None, params_by_day: dict) -> Figures:
    """AP-$3, AP-$4 with the parameters of the establishment day (C-EFF, AP-P5), read once
    per day (`params_by_day` is the caller's cache: a page holds few days)."""
    day = account.established_on
    if day not in params_by_day:
        params_by_day[day] = parameters_on(day)
    params = params_by_day[day]
    facts = (account.level, account.urgent, account.in_assessment_scope)

    def case(o: Outcome) -> tuple[Outcome, int, int]:
        passed, certified = _OUTCOME_FACTS[o]
        return (o, rules.subsidy_entitlement(*facts, passed, certified, params=params),
                rules.subsidy_remainder(*facts, passed, certified, params=params))

    if outcome is None:
        shown = [Outcome.PASSED_CERTIFIED, Outcome.PASSED, Outcome.FAILED]
        if rules.subsidy_rate_pct(account.urgent, account.in_assessment_scope, True, False) == \
                rules.subsidy_rate_pct(account.urgent, account.in_assessment_scope, True, True):
            shown.remove(Outcome.PASSED)  # a pass alone pays in full (AP-$3)
        return Figures(None, None, None, tuple(case(o) for o in shown))
    _o, entitlement, remainder = case(outcome)
    return Figures(outcome, entitlement, remainder)


def programme_totals(programme_id: int, account_scope: sa.Select) -> dict[str, int]:
    """SQL sums for the sheet: headcount, prepayments, prepaid (paid first claims), known
    entitlements and the final-claim lines (C-MONEY: never summed in a template)."""
    ids = account_scope.where(SubsidyAccount.programme_id == programme_id).with_only_columns(
        SubsidyAccount.id).scalar_subquery()
    head = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(SubsidyAccount.prepayment), 0),
                  sa.func.coalesce(sa.func.sum(SubsidyAccount.entitlement), 0))
        .where(SubsidyAccount.id.in_(ids))).one()
    lines = dict(db.session.execute(
        sa.select(ClaimLine.kind, sa.func.coalesce(sa.func.sum(ClaimLine.amount), 0))
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(ClaimLine.account_id.in_(ids), ClaimLine.released.is_(False),
               Claim.state == ClaimState.PAID)
        .group_by(ClaimLine.kind)).all())
    return {"headcount": int(head[0]), "prepayment": int(head[1]), "entitlement": int(head[2]),
            "prepaid": int(lines.get(ClaimKind.FIRST, 0) or lines.get("first", 0)),
            "remainder_paid": int(lines.get(ClaimKind.FINAL, 0) or lines.get("final", 0))}


def assessments_of(enrolment_ids: list[int]) -> dict[int, Assessment]:
    if not enrolment_ids:
        return {}
    return {a.enrolment_id: a for a in db.session.scalars(
        sa.select(Assessment).where(Assessment.enrolment_id.in_(enrolment_ids)))}
