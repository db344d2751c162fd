"""Worklist kinds of money (AP-$5, AP-$4, HS-$1): payments to record, recoveries overdue."""

import sqlalchemy as sa
from flask import url_for

from portal.clock import today
from portal.models import Claim, ClaimState, Recovery, RecoveryState
from portal.money.access import claims_for, recoveries_for
from portal.worklist.registry import WorkKind, register

PAYMENTS_DUE = register(WorkKind(
    "center-payments-due", "待拨付", ("center",),
    lambda user: claims_for(user)
    .where(Claim.state == ClaimState.APPROVED, Claim.programme_id.is_not(None))
    .with_only_columns(sa.func.count(), sa.func.min(Claim.decided_at)),
    lambda user: url_for("center.payments", scheme="ap"),
    rule_ids=("AP-$5", "AP-W3"),
))

# HS-$1: approved high-skill funding claims, on the same payments page.
HS_PAYMENTS_DUE = register(WorkKind(
    "center-hs-payments-due", "研修经费待拨付", ("center",),
    lambda user: claims_for(user)
    .where(Claim.state == ClaimState.APPROVED, Claim.hs_proposal_id.is_not(None))
    .with_only_columns(sa.func.count(), sa.func.min(Claim.decided_at)),
    lambda user: url_for("center.payments", scheme="hs"),
    rule_ids=("HS-$1", "AP-$5"),
))

RECOVERIES_OVERDUE = register(WorkKind(
    "recoveries-overdue", "追回逾期", ("district", "center", "enterprise"),
    lambda user: recoveries_for(user)
    .where(Recovery.state == RecoveryState.OPEN, Recovery.due_on < today())
    .with_only_columns(sa.func.count(), sa.func.min(Recovery.created_at)),
    lambda user: url_for(f"{user.role}.recoveries", state="open", overdue="1"),
    rule_ids=("AP-$4",),
))
