"""Mentor pages of the enterprise and institution blueprints (AP-M1..M4).

An enterprise keeps its enterprise mentors and an institution its teachers; on a programme's
mentor page each side assigns its own kind to the programme's apprentices.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.apprenticeship.mentors import services as mentors
from portal.apprenticeship.mentors.access import training_side
from portal.apprenticeship.mentors.forms import AssignForm, AssignOneForm, mentor_form
from portal.apprenticeship.mentors.roster import (
    load_programme,
    programme_enrolments,
    programme_header,
    programme_roster,
)
from portal.core.access import get_or_404_for, visible
from portal.extensions import db, htmx
from portal.models import Enrolment, EnrolmentState, Mentor, MentorKind, Programme
from portal.web.commit import commit_or_refuse
from portal.web.pagination import page_number, paginate
from portal.web.render import page_or_block, toast
from portal.web.routes import GET, GET_POST, POST, RoleView, RouteTable, current_view

LIST_TEMPLATE = "mentor/list.html"
ASSIGN_TEMPLATE = "mentor/assign.html"
STATUS_FILTERS = {"active": "在岗", "inactive": "已停用", "all": "全部"}


@dataclass(frozen=True)
class MentorView(RoleView):
    kind: MentorKind = MentorKind.ENTERPRISE  # AP-M2, AP-M3: the kind the organisation keeps


VIEWS = {
    "enterprise": MentorView(blueprint="enterprise", kind=MentorKind.ENTERPRISE),
    "institution": MentorView(blueprint="institution", kind=MentorKind.TEACHER),
}


# --- The organisation's own mentors -----------------------------------------------------


def list_filters() -> dict:
    status = request.args.get("status", "active")
    return {"status": status if status in STATUS_FILTERS else "active",
            "q": request.args.get("q", "").strip()[:32]}


def _assigned_counts(mentor_ids: list[int], kind: MentorKind) -> dict[int, int]:
    """Apprentices still in training (or before it) each mentor guides, in one query."""
    if not mentor_ids:
        return {}
    slot = Enrolment.enterprise_mentor_id if kind == MentorKind.ENTERPRISE else Enrolment.teacher_id
    return dict(db.session.execute(
        sa.select(slot, sa.func.count()).where(slot.in_(mentor_ids),
                                               Enrolment.state.in_(mentors.ASSIGNABLE_STATES))
        .group_by(slot)
    ).all())


def list_page():
    view, filters = current_view(VIEWS), list_filters()
    q = visible(Mentor, current_user)
    if filters["status"] != "all":
        q = q.where(Mentor.active.is_(filters["status"] == "active"))
    if filters["q"]:
        q = q.where(Mentor.name.contains(filters["q"], autoescape=True))
    page = paginate(q.order_by(Mentor.name, Mentor.id))
    return page_or_block(LIST_TEMPLATE, "results", page=page, view=view, filters=filters,
                         status_filters=STATUS_FILTERS, kind=view.kind,
                         counts=_assigned_counts([m.id for m in page.items], view.kind))


def form_page(mentor_id: int | None = None):
    """Add (no id) or edit a mentor; the rules are checked by the form and by the service."""
    view = current_view(VIEWS)
    mentor = get_or_404_for(current_user, Mentor, mentor_id, "edit") if mentor_id else None
    kind = mentor.kind if mentor else view.kind
    data = mentors.mentor_facts(mentor) if mentor and request.method != "POST" else None
    form = mentor_form(kind, data=data)
    if form.validate_on_submit():
        saved = commit_or_refuse(lambda: _save(mentor, form.facts()), form=form)
        if saved:
            flash(f"已保存{kind.label}：{saved.value.name}", "success")
            return redirect(view.url("mentors"))
    return render_template("mentor/form.html", form=form, mentor=mentor, kind=kind, view=view)


def _save(mentor: Mentor | None, facts: dict) -> Mentor:
    if mentor is None:
        return mentors.create(current_user, facts)
    mentors.update(current_user, mentor, facts)
    return mentor


def deactivate(mentor_id: int):
    return set_active(mentor_id, active=False)


def activate(mentor_id: int):
    return set_active(mentor_id, active=True)


def set_active(mentor_id: int, active: bool):
    """Deactivate (or take back) a mentor: htmx gets the row back in place with a toast."""
    view = current_view(VIEWS)
    mentor = get_or_404_for(current_user, Mentor, mentor_id, "edit")
    done = f"{'已启用' if active else '已停用'}：{mentor.name}"
    outcome = commit_or_refuse(
        lambda: (mentors.activate if active else mentors.deactivate)(current_user, mentor),
        done=None if htmx else done, flash_error=not htmx)
    if not htmx:
        return redirect(view.url("mentors"))
    mentor = db.session.get(Mentor, mentor_id)
    response = page_or_block(LIST_TEMPLATE, "row", m=mentor, view=view, kind=mentor.kind,
                             counts=_assigned_counts([mentor.id], mentor.kind),
                             row_error=outcome.error)
    return toast(response, outcome.error or done, level="success" if outcome else "error")


# --- A programme's apprentices and their two mentors (AP-M1) -----------------------------


def _roster_query(programme: Programme, missing_only: bool) -> sa.Select:
    q = (
        programme_roster(programme)
        .options(joinedload(Enrolment.apprentice), joinedload(Enrolment.enterprise_mentor),
                 joinedload(Enrolment.teacher))
        .where(Enrolment.state != EnrolmentState.REJECTED)
        .order_by(Enrolment.id)
    )
    if missing_only:
        q = q.where(mentors.lacking_mentor())
    return q


def _row_context(programme: Programme) -> dict:
    side = training_side(current_user, programme)
    return {
        "view": current_view(VIEWS), "programme": programme,
        "side": side, "kind": mentors.SIDE_KIND[side] if side else None,
        "assignable": mentors.assignable_mentors(current_user, programme),
        "assignable_states": mentors.ASSIGNABLE_STATES,
    }


def _assign_context(programme: Programme) -> dict:
    missing_only = request.args.get("missing") == "1"
    page = paginate(_roster_query(programme, missing_only))
    return {**_row_context(programme), "header": programme_header(programme),
            "page": page, "missing_only": missing_only,
            "problems": mentors.mentor_problems_for(page.items)}


def programme_page(programme_id: int):
    programme = load_programme(programme_id)
    return page_or_block(ASSIGN_TEMPLATE, "roster", **_assign_context(programme))


def assign_selected(programme_id: int):
    """Bulk: one mentor for the ticked apprentices; htmx gets the roster back."""
    view = current_view(VIEWS)
    programme = load_programme(programme_id)
    form = AssignForm(mentors.assignable_mentors(current_user, programme))
    if form.validate():
        enrolments = programme_enrolments(programme, form.enrolment_ids.data)
        message, level = _assign(programme, enrolments, form.mentor_id.data)
    else:
        message, level = "；".join(e for errors in form.errors.values() for e in errors), "error"
    if not htmx:
        flash(message, level)
        return redirect(view.url("programme_mentors", programme_id=programme_id,
                                 page=page_number()))
    response = page_or_block(ASSIGN_TEMPLATE, "roster", notice=message, notice_level=level,
                             **_assign_context(programme))
    return toast(response, message, level=level)


def assign_one(programme_id: int, enrolment_id: int):
    """One apprentice, inline: htmx gets the row back in place."""
    view = current_view(VIEWS)
    programme = load_programme(programme_id)
    enrolment = programme_enrolments(programme, [enrolment_id])[0]
    form = AssignOneForm()
    if form.validate():
        message, level = _assign(programme, [enrolment], form.mentor_id.data)
    else:
        message, level = "；".join(form.mentor_id.errors or ["请选择导师"]), "error"
    if not htmx:
        flash(message, level)
        return redirect(view.url("programme_mentors", programme_id=programme_id))
    row = db.session.scalar(_roster_query(programme, False).where(Enrolment.id == enrolment_id))
    response = page_or_block(ASSIGN_TEMPLATE, "row", e=row,
                             row_error=message if level == "error" else None,
                             problems=mentors.mentor_problems_for([row]),
                             **_row_context(programme))
    return toast(response, message, level=level)


def _assign(programme: Programme, enrolments: list[Enrolment], mentor_id: int | None):
    """Call the service; commit once. Returns (message, level)."""
    mentor = db.session.scalar(visible(Mentor, current_user).where(Mentor.id == (mentor_id or 0)))
    outcome = commit_or_refuse(
        lambda: mentors.assign(current_user, programme, enrolments, mentor), flash_error=False)
    if not outcome:
        return outcome.error, "error"
    label = mentors.SIDE_KIND[training_side(current_user, programme)].label
    return f"已为{outcome.value}名学徒指派{label}：{mentor.name}", "success"


_ROUTES = (
    ("/mentors", "mentors", list_page, GET),
    ("/mentors/new", "new_mentor", form_page, GET_POST),
    ("/mentors/<int:mentor_id>/edit", "edit_mentor", form_page, GET_POST),
    ("/mentors/<int:mentor_id>/deactivate", "deactivate_mentor", deactivate, POST),
    ("/mentors/<int:mentor_id>/activate", "activate_mentor", activate, POST),
    ("/programmes/<int:programme_id>/mentors", "programme_mentors", programme_page, GET),
    ("/programmes/<int:programme_id>/mentors/assign", "assign_mentors", assign_selected, POST),
    ("/programmes/<int:programme_id>/mentors/<int:enrolment_id>", "assign_mentor", assign_one, POST),
)
ROUTES: RouteTable = {"enterprise": _ROUTES, "institution": _ROUTES}
