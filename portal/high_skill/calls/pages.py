"""Calls for projects (HS-W1): the centre's list, form and early close; the hosts' list of
open calls; one detail page for both."""

from dataclasses import dataclass

from flask import flash, redirect
from flask_login import current_user

from portal import clock
from portal.core import audit
from portal.core.access import can, get_or_404_for
from portal.extensions import db
from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.calls import access as _access  # noqa: F401  (registers the scope)
from portal.high_skill.calls import host_pages
from portal.high_skill.calls import services as calls
from portal.high_skill.calls import worklist as _worklist  # noqa: F401  (registers the kind)
from portal.high_skill.calls.access import calls_for
from portal.high_skill.calls.forms import CallForm
from portal.models import HsCall, Organisation
from portal.rules import rule_message
from portal.web.commit import commit_or_refuse
from portal.web.converters import year_arg
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, RoleView, RouteTable, current_view

TEMPLATES = "high_skill/calls/"


@dataclass(frozen=True)
class CallView(RoleView):
    manages: bool = False  # the centre: create, edit, close


VIEWS = {"center": CallView(blueprint="center", manages=True),
         **{name: CallView(blueprint=name) for name in HOST_BLUEPRINTS}}


def call_status(call: HsCall) -> str:
    """Where a call stands today, in the words its rows show."""
    today = clock.today()
    if calls.call_is_open(call, today):
        return "征集中"
    return "未开始" if call.opens_on > today else "已截止"


def list_page():
    """The centre's calls, newest first (year, quarter, then the latest created)."""
    view = current_view(VIEWS)
    year = year_arg()
    q = calls_for(current_user)
    if year is not None:
        q = q.where(HsCall.year == year)
    page = paginate(q.order_by(HsCall.year.desc(), HsCall.quarter.desc(), HsCall.id.desc()))
    return page_or_block(TEMPLATES + "list.html", "results", view=view, page=page, year=year,
                         call_status=call_status)


def _host_problems() -> list[str]:
    """HS-H1, HS-$2 for the signed-in user's organisation (the centre hosts nothing)."""
    if current_user.org_id is None:
        return []
    return calls.host_problems(db.session.get(Organisation, current_user.org_id))


def open_list():
    """A host's open calls with their directions; HS-H1 / HS-$2 explain why it cannot reply,
    and only a host that may reply gets the link to a new proposal."""
    view = current_view(VIEWS)
    problems = _host_problems()
    page = paginate(calls.open_calls_query(clock.today()))
    return page_or_block(TEMPLATES + "open.html", "results", view=view, page=page,
                         problems=[rule_message(p) for p in problems], may_reply=not problems)


def detail(call_id: int):
    view = current_view(VIEWS)
    call = get_or_404_for(current_user, HsCall, call_id)
    timeline = audit.timeline(calls.OBJECT_TYPE, call.id) if view.manages else []
    may_reply = (not view.manages and calls.call_is_open(call, clock.today())
                 and not _host_problems())
    return page_or_block(TEMPLATES + "detail.html", "content", view=view, call=call,
                         status=call_status(call), timeline=timeline, may_reply=may_reply)


def new():
    view = current_view(VIEWS)
    today = clock.today()
    form = CallForm(year=today.year, quarter=(today.month - 1) // 3 + 1, opens_on=today)
    if form.validate_on_submit():
        done = commit_or_refuse(lambda: calls.create_call(current_user, form.call_fields()),
                                done="征集已发布。", form=form)
        if done:
            return redirect(view.url("hs_call", call_id=done.value.id))
    return page_or_block(TEMPLATES + "form.html", "content", view=view, form=form, call=None)


def edit(call_id: int):
    view = current_view(VIEWS)
    call = get_or_404_for(current_user, HsCall, call_id)
    if not can(current_user, "edit_call", call):
        flash(calls.CLOSED_ALREADY, "error")
        return redirect(view.url("hs_call", call_id=call.id))
    form = CallForm(obj=call)
    if form.validate_on_submit():
        done = commit_or_refuse(lambda: calls.update_call(current_user, call, form.call_fields()),
                                done="征集已保存。", form=form)
        if done:
            return redirect(view.url("hs_call", call_id=call.id))
    return page_or_block(TEMPLATES + "form.html", "content", view=view, form=form, call=call)


def close(call_id: int):
    view = current_view(VIEWS)
    call = get_or_404_for(current_user, HsCall, call_id)
    commit_or_refuse(lambda: calls.close_call(current_user, call), done="征集已提前截止。")
    return redirect(view.url("hs_call", call_id=call_id))


_DETAIL = ("/hs/calls/<int:call_id>", "hs_call", detail, GET)
CENTER_ROUTES = (
    ("/hs/calls", "hs_calls", list_page, GET),
    ("/hs/calls/new", "new_hs_call", new, GET_POST),
    _DETAIL,
    ("/hs/calls/<int:call_id>/edit", "edit_hs_call", edit, GET_POST),
    ("/hs/calls/<int:call_id>/close", "close_hs_call", close, POST),
    *host_pages.CENTER_ROUTES,
)
HOST_ROUTES = (
    ("/hs/open-calls", "hs_open_calls", open_list, GET),
    _DETAIL,
)
ROUTES: RouteTable = {"center": CENTER_ROUTES, **dict.fromkeys(HOST_BLUEPRINTS, HOST_ROUTES)}
