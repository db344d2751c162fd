"""Worklist kinds of high-skill funding (HS-$1, C-REV), on the money and project scopes.

The centre's "研修经费待拨付" is registered with the other payments (money.payment_worklist).
"""

import sqlalchemy as sa
from flask import url_for

from portal.high_skill.access import proposals_for
from portal.models import Claim, ClaimState, HsProposal, ProposalState
from portal.money.access import claims_for
from portal.worklist.registry import WorkKind, register

HOST_ROLES = ("enterprise", "institution", "host")


def _hs_claims(user, state: ClaimState, oldest) -> sa.Select:
    return (claims_for(user).where(Claim.hs_proposal_id.is_not(None), Claim.state == state)
            .with_only_columns(sa.func.count(), sa.func.min(oldest)))


def unclaimed_projects(user) -> sa.Select:
    """HS-$1: the user's completed projects without a funding claim."""
    claimed = sa.select(Claim.hs_proposal_id).where(Claim.hs_proposal_id.is_not(None))
    return proposals_for(user).where(HsProposal.state == ProposalState.COMPLETED,
                                     HsProposal.id.not_in(claimed))


register(WorkKind(
    "center-hs-claims", "研修经费申请待审核", ("center",),
    lambda user: _hs_claims(user, ClaimState.SUBMITTED, Claim.submitted_at),
    lambda user: url_for("center.hs_funding_claims", state=ClaimState.SUBMITTED.value),
    rule_ids=("HS-$1", "C-REV"),
))
register(WorkKind(
    "host-hs-unclaimed", "已结业备案待申请研修经费", HOST_ROLES,
    lambda user: unclaimed_projects(user)
    .with_only_columns(sa.func.count(), sa.func.min(HsProposal.updated_at)),
    lambda user: url_for(f"{user.role}.hs_funding_projects", todo="1"),
    rule_ids=("HS-$1",),
))
register(WorkKind(
    "host-hs-claims-returned", "研修经费申请退回修改", HOST_ROLES,
    lambda user: _hs_claims(user, ClaimState.RETURNED, Claim.decided_at),
    lambda user: url_for(f"{user.role}.hs_funding_projects"),
    rule_ids=("HS-$1", "C-REV"),
))
