"""AP-W3, AP-$4: a programme closes when its final claim is paid, every prepaid apprentice's
remainder paid or recovered, and every recovery settled."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.core import audit
from portal.extensions import db
from portal.models import (
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Programme,
    Recovery,
    RecoveryState,
    SubsidyAccount,
)
from portal.models.base import utcnow
from portal.money.claim_lines import paid_first_line

OBJECT_TYPE = "programme"
# A final claim still on its way (drafted, in review, approved but unpaid) keeps it open.
_PENDING = (ClaimState.DRAFT, ClaimState.SUBMITTED, ClaimState.RETURNED,
            ClaimState.DISTRICT_APPROVED, ClaimState.APPROVED)


def is_done(programme_id: int) -> bool:
    """AP-W3: a FINAL claim is PAID, none is pending, and no Recovery is still open."""
    finals = dict(db.session.execute(
        sa.select(Claim.state, sa.func.count())
        .where(Claim.programme_id == programme_id, Claim.kind == ClaimKind.FINAL)
        .group_by(Claim.state)).all())
    if not finals.get(ClaimState.PAID) or any(finals.get(s) for s in _PENDING):
        return False
    open_recoveries = db.session.scalar(
        sa.select(sa.func.count()).select_from(Recovery)
        .where(Recovery.programme_id == programme_id, Recovery.state != RecoveryState.SETTLED))
    return not open_recoveries and not _unsettled_accounts(programme_id)


def _unsettled_accounts(programme_id: int) -> int:
    """Apprentices who were prepaid but whose remainder has not been paid or recovered yet
    (still in training, unassessed, the two parties disagreeing)."""
    final = aliased(ClaimLine)
    settled = (sa.select(final.account_id).join(Claim, Claim.id == final.claim_id)
               .where(final.kind == ClaimKind.FINAL, final.released.is_(False),
                      Claim.state == ClaimState.PAID))
    prepaid = paid_first_line().subquery()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(SubsidyAccount)
        .join(prepaid, prepaid.c.account_id == SubsidyAccount.id)
        .where(SubsidyAccount.programme_id == programme_id,
               SubsidyAccount.id.not_in(settled))) or 0


def close_if_done(programme_id: int, day: date, *, actor=None) -> bool:
    """AP-W3: set `Programme.closed_on` once (guarded UPDATE) and audit "close"; True if
    this call closed it. Flushes, never commits."""
    if not is_done(programme_id):
        return False
    changed = db.session.execute(
        sa.update(Programme).where(Programme.id == programme_id, Programme.closed_on.is_(None))
        .values(closed_on=day, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        return False
    audit.record(actor, OBJECT_TYPE, programme_id, "close", to_state="closed",
                 comment=f"剩余补贴已拨付、追回已结清，项目于{day}结项")
    db.session.flush()
    return True
