"""Proposal pages (HS-W2): the host's "我的研修项目" and the centre's city-wide list, the
detail page (host, centre, assigned experts), its print view and its annex-1 Excel export.
The host's editing pages are in `editing.py`; this module holds the route table."""

from io import BytesIO

import sqlalchemy as sa
from flask import request, send_file
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import clock
from portal.core import audit
from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.access import proposals_for
from portal.high_skill.calls import services as calls
from portal.high_skill.proposals import access as _access  # noqa: F401  (registers actions)
from portal.high_skill.proposals import editing, export
from portal.high_skill.proposals import services as proposals
from portal.high_skill.proposals import worklist as _worklist  # noqa: F401  (registers kinds)
from portal.high_skill.proposals.views import VIEWS, ProposalView
from portal.models import HsCall, HsProposal, ProposalState
from portal.web.converters import db_int, year_arg
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, Route, RouteTable, current_view

TEMPLATES = "high_skill/proposals/"


WITH_CALL_AND_HOST = (joinedload(HsProposal.call), joinedload(HsProposal.host))


def _filters(view: ProposalView) -> dict:
    """Whitelisted query-string filters (the host's list filters by state only)."""
    state = request.args.get("state", "")
    year = year_arg()
    return {
        "state": state if state in {s.value for s in ProposalState} else "",
        "year": year if view.city_wide and year and 2000 <= year <= 2100 else None,
        "call_id": request.args.get("call_id", type=db_int) if view.city_wide else None,
        "cross_year": request.args.get("cross_year") == "1",  # HS-W6 alert (issue 14)
    }


def _filtered(filters: dict) -> sa.Select:
    q = proposals_for(current_user)
    if filters["state"]:
        q = q.where(HsProposal.state == filters["state"])
    if filters["year"]:
        q = q.where(HsProposal.year == filters["year"])
    if filters["call_id"]:
        q = q.where(HsProposal.call_id == filters["call_id"])
    if filters["cross_year"]:
        q = q.where(_worklist.crosses_year())
    return q


def list_page():
    """The host's own proposals in every state, or the centre's all; newest first."""
    view = current_view(VIEWS)
    filters = _filters(view)
    q = _filtered(filters).options(*WITH_CALL_AND_HOST)
    page = paginate(q.order_by(HsProposal.year.desc(), HsProposal.id.desc()))
    extra = {}
    if view.city_wide:
        extra["calls"] = list(db.session.scalars(
            sa.select(HsCall).order_by(HsCall.year.desc(), HsCall.quarter.desc()).limit(200)))
    elif view.hosts:
        extra["may_create"] = bool(calls.open_calls(clock.today()))
    return page_or_block(
        TEMPLATES + "list.html", "results", view=view, page=page, filters=filters,
        states=list(ProposalState), hours={p.id: proposals.hours_check(proposals.data_of(p))
                                           for p in page.items}, **extra)


def _load(proposal_id: int) -> HsProposal:
    return get_or_404_for(current_user, HsProposal, proposal_id, options=WITH_CALL_AND_HOST)


def detail(proposal_id: int):
    view = current_view(VIEWS)
    proposal = _load(proposal_id)
    ctx = proposals.annex_context(proposal)
    if view.hosts:
        ctx["counted"] = proposals.submitted_this_year(proposal.host_id, proposal.year)
        ctx["problems"] = (proposals.submission_problems(proposal, ctx["teachers"], clock.today())
                           if proposal.state == ProposalState.DRAFT else [])
    return page_or_block(TEMPLATES + "detail.html", "content", view=view, annex=ctx,
                         timeline=audit.timeline(proposals.OBJECT_TYPE, proposal.id), **ctx)


def print_page(proposal_id: int):
    """Annex 1 as printed (print CSS hides the portal around it)."""
    view = current_view(VIEWS)
    proposal = _load(proposal_id)
    return page_or_block(TEMPLATES + "print.html", "content", view=view,
                         annex=proposals.annex_context(proposal))


def export_xlsx(proposal_id: int):
    proposal = _load(proposal_id)
    data = export.annex_xlsx(proposals.annex_context(proposal))
    response = send_file(BytesIO(data), mimetype=export.XLSX, as_attachment=True,
                         download_name=f"研修项目实施方案-{proposal.id}.xlsx", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


_READ: tuple[Route, ...] = (
    ("/hs/proposals/<int:proposal_id>", "hs_proposal", detail, GET),
    ("/hs/proposals/<int:proposal_id>/print", "print_hs_proposal", print_page, GET),
    ("/hs/proposals/<int:proposal_id>/annex.xlsx", "export_hs_proposal", export_xlsx, GET),
)
_LIST: tuple[Route, ...] = (("/hs/proposals", "hs_proposals", list_page, GET),)
HOST_ROUTES: tuple[Route, ...] = _LIST + (
    ("/hs/proposals/new", "new_hs_proposal", editing.new, GET_POST),
    ("/hs/proposals/check-hours", "check_hs_proposal_hours", editing.check_hours, POST),
) + _READ + (
    ("/hs/proposals/<int:proposal_id>/edit", "edit_hs_proposal", editing.edit, GET_POST),
    ("/hs/proposals/<int:proposal_id>/teachers", "add_hs_proposal_teacher",
     editing.add_teacher, POST),
    ("/hs/proposals/<int:proposal_id>/teachers/<int:teacher_id>/remove",
     "remove_hs_proposal_teacher", editing.remove_teacher, POST),
    ("/hs/proposals/<int:proposal_id>/submit", "submit_hs_proposal", editing.submit, POST),
    ("/hs/proposals/<int:proposal_id>/withdraw", "withdraw_hs_proposal", editing.withdraw, POST),
)
ROUTES: RouteTable = {
    **dict.fromkeys(HOST_BLUEPRINTS, HOST_ROUTES),
    "center": _LIST + _READ,
    "expert": _READ,
}
