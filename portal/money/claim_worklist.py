"""The worklist kinds of subsidy claims (AP-W3, C-REV), on the claims' own scope (C-DIST)."""

import sqlalchemy as sa
from flask import url_for

from portal.models import Claim, ClaimState, Occupation, Programme
from portal.money.access import claims_for
from portal.worklist.registry import Returned, WorkKind, register


def _aggregate(user, oldest, state: ClaimState) -> sa.Select:
    # Apprenticeship claims only; high-skill funding claims have their own kinds (HS-$1).
    return (claims_for(user).where(Claim.state == state, Claim.programme_id.is_not(None))
            .with_only_columns(sa.func.count(), sa.func.min(oldest)))


register(WorkKind(
    "district-claims", "补贴申请待审核", ("district",),
    lambda user: _aggregate(user, Claim.submitted_at, ClaimState.SUBMITTED),
    lambda user: url_for("district.claims", state=ClaimState.SUBMITTED.value),
    rule_ids=("AP-W3", "C-REV"),
))
register(WorkKind(
    "center-claims", "补贴申请待审批", ("center",),
    lambda user: _aggregate(user, Claim.decided_at, ClaimState.DISTRICT_APPROVED),
    lambda user: url_for("center.claims", state=ClaimState.DISTRICT_APPROVED.value),
    rule_ids=("AP-W3", "C-REV"),
))
register(WorkKind(
    "returned-claims", "补贴申请退回修改", ("enterprise",),
    lambda user: _aggregate(user, Claim.decided_at, ClaimState.RETURNED),
    lambda user: url_for("enterprise.claims", state=ClaimState.RETURNED.value),
    rule_ids=("C-REV", "AP-W4"),
    returned=Returned(
        "claim", "补贴申请",
        lambda user: claims_for(user).where(Claim.state == ClaimState.RETURNED)
        .join(Programme, Programme.id == Claim.programme_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .with_only_columns(Claim.id.label("id"),
                           (Claim.number + " " + Occupation.name).label("title"),
                           Claim.decided_at.label("returned_at")),
        lambda user, id_: url_for("enterprise.claim", claim_id=id_)),
))
