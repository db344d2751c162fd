"""HS-W8 on the worklist: a host's completion filings due within 7 days or overdue; the
centre's late completion filings and the projects whose filing is overdue."""

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for

from portal import clock
from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.access import proposals_for
from portal.models import FilingKind, HsFiling, HsProposal, ProposalState
from portal.rules.high_skill import HS_FILING_WINDOW_DAYS, hs_filing_watch_cutoff
from portal.worklist import WorkKind, register


def due(today) -> sa.ColumnElement[bool]:
    """FILED projects whose completion filing is due within 7 days or overdue (HS-W8)."""
    return sa.and_(HsProposal.state == ProposalState.FILED,
                   HsProposal.ends_on <= hs_filing_watch_cutoff(today))


def overdue(today) -> sa.ColumnElement[bool]:
    """FILED projects past their 14 days (deadline = end + 14 < today)."""
    return sa.and_(HsProposal.state == ProposalState.FILED,
                   HsProposal.ends_on < today - timedelta(days=HS_FILING_WINDOW_DAYS))


def _count(q: sa.Select, oldest) -> sa.Select:
    return q.with_only_columns(sa.func.count(), sa.func.min(oldest))


register(WorkKind(
    "hs-completion-due", "研修结业备案即将到期或已逾期", HOST_BLUEPRINTS,
    # The age shown is the project's: how long its record has waited since it last moved.
    lambda user: _count(proposals_for(user).where(due(clock.today())), HsProposal.updated_at),
    lambda user: url_for(f"{user.role}.hs_deliveries", due="1"),
    rule_ids=("HS-W8",),
))
register(WorkKind(
    "hs-completion-overdue", "研修结业备案逾期未报", ("center",),
    lambda user: _count(proposals_for(user).where(overdue(clock.today())),
                        HsProposal.updated_at),
    lambda user: url_for("center.hs_deliveries", due="overdue"),
    rule_ids=("HS-W8",),
))
register(WorkKind(
    "hs-late-completions", "逾期报送的研修结业备案", ("center",),
    lambda user: sa.select(sa.func.count(), sa.func.min(HsFiling.filed_at))
    .join(HsProposal, HsProposal.id == HsFiling.proposal_id)
    .where(HsProposal.id.in_(proposals_for(user).with_only_columns(HsProposal.id)),
           HsFiling.kind == FilingKind.COMPLETION, HsFiling.late.is_(True),
           HsProposal.year == clock.today().year),
    lambda user: url_for("center.hs_completion_filings", late="1", year=clock.today().year),
    rule_ids=("HS-W8",),
))
