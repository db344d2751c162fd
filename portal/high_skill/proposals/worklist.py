"""The hosts' worklist kind (HS-W2): drafts of implementation plans not yet submitted; the
link opens "我的研修项目" filtered to exactly those drafts."""

import sqlalchemy as sa
from flask import url_for

from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.access import proposals_for
from portal.models import HsProposal, ProposalState
from portal.worklist.registry import WorkKind, register


def crosses_year() -> sa.ColumnElement[bool]:
    """HS-W6 (issue 14 item 10): live projects (approved, filed) ending after 31 December of
    their own year (the case rules.hs_year_problems refuses at submission, should dates
    move later); the alert and the list's ?cross_year=1 share it."""
    return sa.and_(HsProposal.state.in_((ProposalState.APPROVED, ProposalState.FILED)),
                   sa.extract("year", HsProposal.ends_on) > HsProposal.year)


def _drafts_aggregate(user) -> sa.Select:
    return (proposals_for(user).where(HsProposal.state == ProposalState.DRAFT)
            .with_only_columns(sa.func.count(), sa.func.min(HsProposal.created_at)))


DRAFTS = register(WorkKind(
    "hs-proposal-drafts", "研修项目实施方案草稿待提交", HOST_BLUEPRINTS,
    _drafts_aggregate,
    lambda user: url_for(f"{user.role}.hs_proposals", state=ProposalState.DRAFT.value),
    rule_ids=("HS-W2",),
))
