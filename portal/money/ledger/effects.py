"""The money effect of a change of status (issue 12 item 6), shown before the enterprise sends
it: the apprentice's frozen account and whether the prepayment was paid, decided by
`portal.rules.status_money_effect` (AP-$2, AP-$4, AP-P2)."""

import sqlalchemy as sa

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.extensions import db
from portal.models import Claim, ClaimKind, ClaimLine, ClaimState, SubsidyAccount
from portal.rules.subsidy_effects import KINDS


def prepaid(account_id: int) -> bool:
    """AP-$4: the prepayment has been paid (its first-claim line is in a paid claim)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ClaimLine)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(ClaimLine.account_id == account_id, ClaimLine.kind == ClaimKind.FIRST,
               ClaimLine.released.is_(False), Claim.state == ClaimState.PAID)) > 0


def money_effect(enrolment_id: int | None, kind: str | None, extension_months: int | None = 0):
    """The effect of `kind` on the enrolment's subsidy; None when there is nothing to say
    (no kind chosen, or no subsidy account: the record is not established)."""
    if not enrolment_id or kind not in KINDS:
        return None
    account = db.session.scalar(
        sa.select(SubsidyAccount).where(SubsidyAccount.enrolment_id == enrolment_id))
    if account is None:
        return None
    return rules.status_money_effect(
        kind, account.level, account.urgent, account.in_assessment_scope, prepaid(account.id),
        prepayment=account.prepayment, extension_months=max(extension_months or 0, 0),
        params=parameters_on(account.established_on))
