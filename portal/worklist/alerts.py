"""Alerts on the worklists (issue 14 item 10: AP-P4, HS-W4, HS-W6, AP-V2): each kind on its
domain's scope function (C-DIST), linking to the list whose filter shows exactly the rows
it counts. Claims waiting for payment and overdue recoveries are money's own kinds
(`money.payment_worklist`); HS-W8 completion filings are the delivery package's.

Registered from the inbox package (`reports.notifications.pages` imports this module), not
from `portal.worklist`'s own `__init__`: these kinds read domains whose worklist modules
import `portal.worklist`, so importing them from there would be a cycle.
"""

import sqlalchemy as sa
from flask import url_for

from portal import clock
from portal.apprenticeship.programmes.access import programmes_for
from portal.apprenticeship.quality import services as quality
from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.access import proposals_for
from portal.high_skill.proposals.worklist import crosses_year
from portal.high_skill.rosters.worklist import due_soon, unfiled
from portal.models import HsProposal, Programme, Rectification, ReviewState
from portal.rules.high_skill import HS_FILING_WARNING_DAYS
from portal.rules.holds import RECTIFICATION_WARNING_DAYS
from portal.supervision.escalation.access import rectification_due, rectifications_for
from portal.worklist.registry import WorkKind, register


def _quality_aggregate(user) -> sa.Select:
    """AP-P4: approved programmes in scope whose attendance or attrition crosses the
    thresholds, exactly those the quality page's "only alerts" filter lists."""
    return quality.alert_count_select(
        programmes_for(user).where(Programme.state == ReviewState.APPROVED),
        Programme.created_at)


QUALITY_ALERTS = register(WorkKind(
    "quality-alerts", "出勤率或流失率预警的培训项目", ("enterprise", "district"),
    _quality_aggregate,
    lambda user: url_for(f"{user.role}.quality", alerts="1"),
    rule_ids=("AP-P4",),
))

HS_LIST_FILING_DUE = register(WorkKind(
    "hs-list-filing-due", f"研修学员名单备案{HS_FILING_WARNING_DAYS}天内到期或已逾期", HOST_BLUEPRINTS,
    lambda user: unfiled(user).where(due_soon(clock.today()))
    .with_only_columns(sa.func.count(), sa.func.min(HsProposal.decided_at)),
    lambda user: url_for(f"{user.role}.hs_list_pending", due="1"),
    rule_ids=("HS-W4",),
))

HS_CROSS_YEAR = register(WorkKind(
    "hs-cross-year", "研修项目结束日期跨年度", ("center", *HOST_BLUEPRINTS),
    lambda user: proposals_for(user).where(crosses_year())
    .with_only_columns(sa.func.count(), sa.func.min(HsProposal.updated_at)),
    lambda user: url_for(f"{user.role}.hs_proposals", cross_year="1"),
    rule_ids=("HS-W6",),
))

RECTIFICATION_DEADLINES = register(WorkKind(
    "rectification-deadlines", f"整改期限{RECTIFICATION_WARNING_DAYS}天内到期或已过期", ("district", "center"),
    lambda user: rectifications_for(user).where(rectification_due(clock.today()))
    .with_only_columns(sa.func.count(), sa.func.min(Rectification.created_at)),
    lambda user: url_for(f"{user.role}.rectifications", state="open", due="1"),
    rule_ids=("AP-V2",),
))
