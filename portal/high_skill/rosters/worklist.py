"""The hosts' worklist kind of the trainee lists (HS-W4) and the page it opens: approved
projects whose list and plan are not filed yet, the nearest due date first (overdue on top).
"""

import sqlalchemy as sa
from flask import request, url_for
from flask_login import current_user

from portal.clock import today
from portal.core.access import visible
from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.rosters import services
from portal.high_skill.rosters.views import view
from portal.models import HsProposal, ProposalState
from portal.rules.high_skill import HS_LIST_FILING_LEAD_DAYS, hs_list_filing_watch_cutoff
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.worklist.registry import WorkKind, register

PENDING_TEMPLATE = "high_skill/rosters/pending.html"


def unfiled(user) -> sa.Select:
    """Approved projects of the user's scope whose list is still to be filed (HS-W4)."""
    return visible(HsProposal, user).where(HsProposal.state == ProposalState.APPROVED,
                                           HsProposal.filed_version == 0)


def due_soon(day) -> sa.ColumnElement[bool]:
    """HS-W4: of the unfiled lists, those due within 7 days or overdue (issue 14: the
    worklist alert, this page's ?due=1 and the daily reminder sweep share it)."""
    return HsProposal.starts_on <= hs_list_filing_watch_cutoff(day)


def pending_list():
    q = unfiled(current_user)
    if request.args.get("due") == "1":
        q = q.where(due_soon(today()))
    # The due date is the start minus a fixed week, so ordering by start orders by due date.
    page = paginate(q.order_by(HsProposal.starts_on, HsProposal.id))
    return page_or_block(PENDING_TEMPLATE, "content", page=page, view=view(), today=today(),
                         due=services.filing_due, lead_days=HS_LIST_FILING_LEAD_DAYS)


register(WorkKind(
    # Waiting since the approval; the page it opens lists the due dates, nearest first.
    "hs-list-filing", "研修学员名单待备案", HOST_BLUEPRINTS,
    lambda user: unfiled(user).with_only_columns(sa.func.count(),
                                                 sa.func.min(HsProposal.decided_at)),
    lambda user: url_for(f"{user.role}.hs_list_pending"),
    rule_ids=("HS-W4",),
))
