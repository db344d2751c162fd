"""Credit pages of the enterprise and institution blueprints (AP-C4, AP-C1 guidance).

The overview lists a programme's apprentices with their credits (one grouped query for the
page) and records the same hours for the ticked apprentices or the whole class; the
apprentice page lists one apprentice's records and records hours for them alone.
"""

import sqlalchemy as sa
from flask import flash, redirect, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.apprenticeship.mentors.access import training_side
from portal.apprenticeship.mentors.roster import (
    load_programme,
    programme_enrolments,
    programme_header,
    programme_roster,
)
from portal.apprenticeship.training import credits
from portal.apprenticeship.training.credit_forms import CreditForm
from portal.extensions import db, htmx
from portal.models import CreditRecord, Enrolment, EnrolmentState, OrgKind, Programme
from portal.web.commit import commit_or_refuse
from portal.web.pagination import paginate
from portal.web.render import page_or_block, toast
from portal.web.routes import GET, GET_POST, POST, RoleView, Route, current_view

OVERVIEW_TEMPLATE = "credit/overview.html"
APPRENTICE_TEMPLATE = "credit/apprentice.html"

# Apprentices with a student record: those who are, were or will be credited.
ROSTER_STATES = (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED, EnrolmentState.COMPLETED,
                 EnrolmentState.WITHDRAWN, EnrolmentState.TRANSFERRED)
STATUS_FILTERS = {"all": "全部", **{s.value: s.label for s in ROSTER_STATES}}

VIEWS = {name: RoleView(blueprint=name) for name in ("enterprise", "institution")}


def _default_mode(programme: Programme) -> str:
    """The institution usually records centralised hours, the enterprise on-the-job hours."""
    side = training_side(current_user, programme)
    return "on_job" if side == OrgKind.ENTERPRISE else "centralised"


def _status_filter() -> str:
    status = request.args.get("status", "all")
    return status if status in STATUS_FILTERS else "all"


def _overview_context(programme: Programme, form: CreditForm) -> dict:
    status = _status_filter()
    q = (programme_roster(programme).options(joinedload(Enrolment.apprentice))
         .where(Enrolment.state.in_(ROSTER_STATES) if status == "all"
                else Enrolment.state == status)
         .order_by(Enrolment.id))
    page = paginate(q)
    totals = credits.credit_totals(e.id for e in page.items)  # ONE grouped query
    return {
        "view": current_view(VIEWS), "programme": programme,
        "header": programme_header(programme),
        "side": training_side(current_user, programme), "form": form, "page": page,
        "progress": {i: credits.progress(programme.level, hours) for i, hours in totals.items()},
        "status": status, "status_filters": STATUS_FILTERS,
        "credit_states": credits.CREDIT_STATES,
        "selected": set(form.enrolment_ids.data or ()) if form.is_submitted() else set(),
    }


def overview(programme_id: int):
    programme = load_programme(programme_id)
    form = CreditForm(default_mode=_default_mode(programme))
    return page_or_block(OVERVIEW_TEMPLATE, "panel", **_overview_context(programme, form))


def record_for_class(programme_id: int):
    """Bulk: the same hours for the ticked apprentices, or ("all") every active one."""
    programme = load_programme(programme_id)
    form = CreditForm()
    message = None
    if form.validate():
        if request.form.get("scope") == "all":
            enrolments = list(db.session.scalars(
                programme_roster(programme).where(Enrolment.state.in_(credits.CREDIT_STATES))
                .order_by(Enrolment.id)))
        else:
            enrolments = programme_enrolments(programme, form.enrolment_ids.data)
        message = _record(form, enrolments)
    if message and not htmx:
        flash(message, "success")
        return redirect(current_view(VIEWS).url("programme_credits", programme_id=programme_id))
    if message:
        form.enrolment_ids.data = []
    response = page_or_block(OVERVIEW_TEMPLATE, "panel", notice=message,
                             **_overview_context(programme, form))
    return toast(response, message or _first_error(form), level="success" if message else "error")


def apprentice(programme_id: int, enrolment_id: int):
    """One apprentice's records, progress and (for an active one) the form to add hours."""
    programme = load_programme(programme_id)
    enrolment = programme_enrolments(programme, [enrolment_id])[0]
    form = CreditForm(default_mode=_default_mode(programme))
    message = None
    if request.method == "POST" and form.validate():
        message = _record(form, [enrolment])
        if message and not htmx:
            flash(message, "success")
            return redirect(current_view(VIEWS).url("apprentice_credits", programme_id=programme_id,
                                                    enrolment_id=enrolment_id))
    context = _apprentice_context(programme, enrolment_id, form)
    if request.method != "POST" or not htmx:
        return page_or_block(APPRENTICE_TEMPLATE, "panel", **context)
    response = page_or_block(APPRENTICE_TEMPLATE, "panel", notice=message, **context)
    return toast(response, message or _first_error(form), level="success" if message else "error")


def _apprentice_context(programme: Programme, enrolment_id: int, form: CreditForm) -> dict:
    enrolment = db.session.scalar(sa.select(Enrolment).options(joinedload(Enrolment.apprentice))
                                  .where(Enrolment.id == enrolment_id))
    records = paginate(
        sa.select(CreditRecord).where(CreditRecord.enrolment_id == enrolment_id)
        .order_by(CreditRecord.on_day.desc(), CreditRecord.id.desc()))
    hours = credits.credit_totals([enrolment_id])[enrolment_id]
    return {
        "view": current_view(VIEWS), "programme": programme,
        "header": programme_header(programme),
        "side": training_side(current_user, programme), "form": form, "e": enrolment,
        "p": credits.progress(programme.level, hours), "records": records,
        "course_types": credits.COURSE_TYPES, "modes": credits.MODES,
        "credit_states": credits.CREDIT_STATES,
    }


def _record(form: CreditForm, enrolments: list[Enrolment]) -> str | None:
    """Call the service and commit once; a refusal goes onto the form. Returns the toast."""
    recorded = commit_or_refuse(
        lambda: credits.record_hours(current_user, enrolments, form.course_type.data,
                                     form.mode.data, form.hours.data, form.on_day.data,
                                     form.note.data or ""),
        form=form)
    if not recorded:
        return None
    return (f"已为{len(recorded.value)}名学徒记录{credits.MODES[form.mode.data]}"
            f"{credits.COURSE_TYPES[form.course_type.data]}{form.hours.data}课时")


def _first_error(form: CreditForm) -> str:
    errors = list(form.form_errors) + [e for name, errs in form.errors.items()
                                       if name is not None for e in errs]
    return errors[0] if errors else "未能记录，请检查填写内容"


CREDIT_ROUTES: tuple[Route, ...] = (
    ("/programmes/<int:programme_id>/credits", "programme_credits", overview, GET),
    ("/programmes/<int:programme_id>/credits", "record_credits", record_for_class, POST),
    ("/programmes/<int:programme_id>/credits/<int:enrolment_id>", "apprentice_credits", apprentice, GET_POST),
)
