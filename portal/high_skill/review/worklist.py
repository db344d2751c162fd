"""HS-W3 work waiting: for the centre, proposals without experts and proposals whose scores
are all in; for an expert, the proposals still to score. Each on the domain's scope."""

import sqlalchemy as sa
from flask import url_for

from portal.high_skill.access import proposals_for
from portal.high_skill.review.access import unscored_by
from portal.models import HsAssignment, HsProposal, ProposalState
from portal.worklist.registry import WorkKind, register


def _assignments(proposal_id, *where):
    return sa.exists().where(HsAssignment.proposal_id == proposal_id, *where)


def _submitted(user) -> sa.Select:
    return proposals_for(user).where(HsProposal.state == ProposalState.SUBMITTED)


def _aggregate(q: sa.Select) -> sa.Select:
    return q.with_only_columns(sa.func.count(), sa.func.min(HsProposal.submitted_at))


register(WorkKind(
    "hs-review-unassigned", "研修项目待分配评审专家", ("center",),
    lambda user: _aggregate(_submitted(user).where(~_assignments(HsProposal.id))),
    lambda user: url_for("center.hs_review_queue", stage="unassigned"),
    rule_ids=("HS-W3",),
))
register(WorkKind(
    "hs-review-ready", "研修项目评分已齐待立项", ("center",),
    lambda user: _aggregate(_submitted(user).where(
        _assignments(HsProposal.id),
        ~_assignments(HsProposal.id, HsAssignment.scored_at.is_(None)))),
    lambda user: url_for("center.hs_review_queue", stage="ready"),
    rule_ids=("HS-W3", "HS-P2"),
))
register(WorkKind(
    "hs-to-score", "研修项目待评分", ("expert",),
    lambda user: _aggregate(_submitted(user).where(unscored_by(user))),
    lambda user: url_for("expert.hs_assignments", show="todo"),
    rule_ids=("HS-W3",),
))
