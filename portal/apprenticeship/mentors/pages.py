"""Mentor pages shared by the enterprise and institution blueprints (AP-M1..M4).

An enterprise keeps its enterprise mentors and an institution its teachers; on a programme's
mentor page each side assigns its own kind to the programme's apprentices.
"""

from functools import partial

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import rules
from portal.apprenticeship.mentors import services as mentors
from portal.apprenticeship.mentors.forms import AssignForm, AssignOneForm, mentor_form
from portal.core.access import get_or_404_for, training_side, visible
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import (
    Enrolment,
    EnrolmentState,
    Mentor,
    MentorKind,
    Occupation,
    Organisation,
    Programme,
    Role,
)
from portal.web.render import page_or_block, toast
from portal.web.routes import GET, GET_POST, POST, Route

LIST_TEMPLATE = "mentor/list.html"
ASSIGN_TEMPLATE = "mentor/assign.html"
STATUS_FILTERS = {"active": "在岗", "inactive": "已停用", "all": "全部"}


def own_kind() -> MentorKind:
    """AP-M2, AP-M3: the kind of mentor the signed-in organisation keeps."""
    return MentorKind.ENTERPRISE if current_user.role == Role.ENTERPRISE else MentorKind.TEACHER


def _is_htmx() -> bool:
    return bool(request.headers.get("HX-Request"))


def _refusal(err: Exception) -> str:
    return getattr(err, "message", None) or str(err)


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


def list_page(prefix: str):
    filters = list_filters()
    q = visible(Mentor, current_user)
    if filters["status"] != "all":
        q = q.where(Mentor.active.is_(filters["status"] == "active"))
    if filters["q"]:
        q = q.where(Mentor.name.contains(filters["q"], autoescape=True))
    page = db.paginate(q.order_by(Mentor.name, Mentor.id),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return page_or_block(LIST_TEMPLATE, "results", page=page, prefix=prefix, filters=filters,
                         status_filters=STATUS_FILTERS, kind=own_kind(),
                         counts=_assigned_counts([m.id for m in page.items], own_kind()))


def form_page(prefix: str, mentor_id: int | None = None):
    """Add (no id) or edit a mentor; the rules are checked by the form and by the service."""
    mentor = get_or_404_for(current_user, Mentor, mentor_id, "edit") if mentor_id else None
    kind = mentor.kind if mentor else own_kind()
    data = mentors.mentor_facts(mentor) if mentor and request.method != "POST" else None
    form = mentor_form(kind, data=data)
    if form.validate_on_submit():
        try:
            if mentor is None:
                mentor = mentors.create(current_user, form.facts())
            else:
                mentors.update(current_user, mentor, form.facts())
        except (ServiceError, rules.RuleViolation) as err:
            db.session.rollback()
            form.form_errors.append(_refusal(err))
        else:
            db.session.commit()
            flash(f"已保存{kind.label}：{mentor.name}", "success")
            return redirect(url_for(f"{prefix}.mentors"))
    return render_template("mentor/form.html", form=form, mentor=mentor, kind=kind,
                           prefix=prefix)


def set_active(prefix: str, mentor_id: int, active: bool):
    """Deactivate (or take back) a mentor: htmx gets the row back in place with a toast."""
    mentor = get_or_404_for(current_user, Mentor, mentor_id, "edit")
    try:
        (mentors.activate if active else mentors.deactivate)(current_user, mentor)
    except (ServiceError, rules.RuleViolation) as err:
        db.session.rollback()
        message, level = _refusal(err), "error"
    else:
        db.session.commit()
        message, level = f"{'已启用' if active else '已停用'}：{mentor.name}", "success"
    if not _is_htmx():
        flash(message, level)
        return redirect(url_for(f"{prefix}.mentors"))
    mentor = db.session.get(Mentor, mentor_id)
    response = page_or_block(LIST_TEMPLATE, "row", m=mentor, prefix=prefix, kind=mentor.kind,
                             counts=_assigned_counts([mentor.id], mentor.kind),
                             row_error=message if level == "error" else None)
    return toast(response, message, level=level)


# --- A programme's apprentices and their two mentors (AP-M1) -----------------------------


def load_programme(programme_id: int) -> Programme:
    return get_or_404_for(current_user, Programme, programme_id)


def programme_roster(programme: Programme) -> sa.Select:
    """The programme's enrolments within the user's enrolment scope (access.enrolments_for)."""
    return visible(Enrolment, current_user).where(Enrolment.programme_id == programme.id)


def programme_enrolments(programme: Programme, ids) -> list[Enrolment]:
    """The posted enrolments, each of which must belong to `programme` (loaded in scope).

    A forged id (another programme's, out of the user's scope, or none at all) makes the
    whole request 404: nothing is changed.
    """
    wanted = {int(i) for i in ids or ()}
    if not wanted:
        return []
    found = list(db.session.scalars(
        programme_roster(programme).where(Enrolment.id.in_(wanted)).order_by(Enrolment.id)
    ))
    if len(found) != len(wanted):
        abort(404)
    return found


def programme_header(programme: Programme) -> dict:
    """Names shown above a programme's roster, in one query."""
    def org_name(org_id: int):
        return sa.select(Organisation.name).where(Organisation.id == org_id).scalar_subquery()

    row = db.session.execute(sa.select(
        sa.select(Occupation.name).where(Occupation.id == programme.occupation_id)
        .scalar_subquery().label("occupation"),
        org_name(programme.enterprise_id).label("enterprise"),
        org_name(programme.institution_id).label("institution"),
    )).mappings().one()
    return {**row, "level": rules.LEVEL_LABELS.get(programme.level, programme.level),
            "org_names": {programme.enterprise_id: row["enterprise"],
                          programme.institution_id: row["institution"]}}


def _roster_query(programme: Programme, missing_only: bool) -> sa.Select:
    q = (
        programme_roster(programme)
        .options(joinedload(Enrolment.apprentice), joinedload(Enrolment.enterprise_mentor),
                 joinedload(Enrolment.teacher))
        .where(Enrolment.state != EnrolmentState.REJECTED)
        .order_by(Enrolment.id)
    )
    if missing_only:
        inactive = sa.select(Mentor.id).where(Mentor.active.is_(False))
        q = q.where(Enrolment.state.in_(mentors.ASSIGNABLE_STATES), sa.or_(
            Enrolment.enterprise_mentor_id.is_(None), Enrolment.teacher_id.is_(None),
            Enrolment.enterprise_mentor_id.in_(inactive), Enrolment.teacher_id.in_(inactive),
        ))
    return q


def _row_context(prefix: str, programme: Programme) -> dict:
    side = training_side(current_user, programme)
    return {
        "prefix": prefix, "programme": programme,
        "side": side, "kind": mentors.SIDE_KIND[side] if side else None,
        "assignable": mentors.assignable_mentors(current_user, programme),
        "assignable_states": mentors.ASSIGNABLE_STATES,
    }


def _assign_context(prefix: str, programme: Programme) -> dict:
    missing_only = request.args.get("missing") == "1"
    page = db.paginate(_roster_query(programme, missing_only),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return {**_row_context(prefix, programme), "header": programme_header(programme),
            "page": page, "missing_only": missing_only,
            "problems": mentors.mentor_problems_for(page.items)}


def programme_page(prefix: str, programme_id: int):
    programme = load_programme(programme_id)
    return page_or_block(ASSIGN_TEMPLATE, "roster", **_assign_context(prefix, programme))


def assign_selected(prefix: str, programme_id: int):
    """Bulk: one mentor for the ticked apprentices; htmx gets the roster back."""
    programme = load_programme(programme_id)
    form = AssignForm(mentors.assignable_mentors(current_user, programme))
    if form.validate():
        enrolments = programme_enrolments(programme, form.enrolment_ids.data)
        message, level = _assign(programme, enrolments, form.mentor_id.data)
    else:
        message, level = "；".join(e for errors in form.errors.values() for e in errors), "error"
    if not _is_htmx():
        flash(message, level)
        return redirect(url_for(f"{prefix}.programme_mentors", programme_id=programme_id,
                                page=request.args.get("page", type=int)))
    context = _assign_context(prefix, programme)
    response = page_or_block(ASSIGN_TEMPLATE, "roster", notice=message, notice_level=level,
                             **context)
    return toast(response, message, level=level)


def assign_one(prefix: str, programme_id: int, enrolment_id: int):
    """One apprentice, inline: htmx gets the row back in place."""
    programme = load_programme(programme_id)
    enrolment = programme_enrolments(programme, [enrolment_id])[0]
    form = AssignOneForm()
    if form.validate():
        message, level = _assign(programme, [enrolment], form.mentor_id.data)
    else:
        message, level = "；".join(form.mentor_id.errors or ["请选择导师"]), "error"
    if not _is_htmx():
        flash(message, level)
        return redirect(url_for(f"{prefix}.programme_mentors", programme_id=programme_id))
    row = db.session.scalar(_roster_query(programme, False).where(Enrolment.id == enrolment_id))
    response = page_or_block(ASSIGN_TEMPLATE, "row", e=row,
                             row_error=message if level == "error" else None,
                             problems=mentors.mentor_problems_for([row]),
                             **_row_context(prefix, programme))
    return toast(response, message, level=level)


def _assign(programme: Programme, enrolments: list[Enrolment], mentor_id: int | None):
    """Call the service; commit once. Returns (message, level)."""
    mentor = db.session.scalar(visible(Mentor, current_user).where(Mentor.id == (mentor_id or 0)))
    try:
        changed = mentors.assign(current_user, programme, enrolments, mentor)
    except (ServiceError, rules.RuleViolation) as err:
        db.session.rollback()
        return _refusal(err), "error"
    db.session.commit()
    label = mentors.SIDE_KIND[training_side(current_user, programme)].label
    return f"已为{changed}名学徒指派{label}：{mentor.name}", "success"


ROUTES: tuple[Route, ...] = (
    ("/mentors", "mentors", list_page, GET),
    ("/mentors/new", "new_mentor", form_page, GET_POST),
    ("/mentors/<int:mentor_id>/edit", "edit_mentor", form_page, GET_POST),
    ("/mentors/<int:mentor_id>/deactivate", "deactivate_mentor", partial(set_active, active=False), POST),
    ("/mentors/<int:mentor_id>/activate", "activate_mentor", partial(set_active, active=True), POST),
    ("/programmes/<int:programme_id>/mentors", "programme_mentors", programme_page, GET),
    ("/programmes/<int:programme_id>/mentors/assign", "assign_mentors", assign_selected, POST),
    ("/programmes/<int:programme_id>/mentors/<int:enrolment_id>", "assign_mentor", assign_one, POST),
)
