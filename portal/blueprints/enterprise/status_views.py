"""The enterprise's leave approvals and changes of status (AP-P2), and its training quality (AP-P4).

The list, counters and quality pages are status_pages.ROUTES; the enterprise's own page of a
change (with its correction form) and its requests are here."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.apprenticeship.status import pages
from portal.apprenticeship.status import services as status_changes
from portal.apprenticeship.status.forms import ChangeDetailsForm, StatusChangeForm
from portal.apprenticeship.training import leave as leave_service
from portal.blueprints.enterprise import bp
from portal.core.access import get_or_404_for, leave_requests_for
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import (
    Apprentice,
    ChangeState,
    Enrolment,
    EnrolmentState,
    LeaveRequest,
    LeaveState,
    Occupation,
    Programme,
    ReviewState,
    StatusChange,
)
from portal.web import review as review_actions
from portal.web.render import page_or_block
from portal.web.routes import bind_with_prefix

LEAVE_TEMPLATE = "leave/queue.html"
LEAVE_EVENT = "leaveDecided"
LEAVE_DECISIONS = {d: d.label for d in leave_service.LeaveDecision}  # 批准 / 不批准

# --- Leave (请假) -------------------------------------------------------------------------


def _leave_state() -> str:
    state = request.args.get("state", LeaveState.REQUESTED.value)
    return state if state in {s.value for s in LeaveState} | {"all"} else LeaveState.REQUESTED


def _leave_rows(state: str) -> sa.Select:
    q = (leave_requests_for(current_user).add_columns(Enrolment, Apprentice, Programme, Occupation)
         .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
         .join(Programme, Programme.id == Enrolment.programme_id)
         .join(Occupation, Occupation.id == Programme.occupation_id))
    if state != "all":
        q = q.where(LeaveRequest.state == state)
    return q.order_by(LeaveRequest.start_date, LeaveRequest.id)


def _leave_counts() -> dict[str, int]:
    q = leave_requests_for(current_user).with_only_columns(LeaveRequest.state, sa.func.count())
    return dict(db.session.execute(q.group_by(LeaveRequest.state)).all())


@bp.get("/leave")
def leave_requests():
    state = _leave_state()
    page = pages.paginate_rows(_leave_rows(state))
    return page_or_block(LEAVE_TEMPLATE, "results", page=page, state=state,
                         counts=_leave_counts(), states=list(LeaveState),
                         leave_days=leave_service.leave_days)


@bp.get("/leave/counts")
def leave_counts():
    if not request.headers.get("HX-Request"):
        return leave_requests()
    return page_or_block(LEAVE_TEMPLATE, "counts", state=_leave_state(), counts=_leave_counts(),
                         states=list(LeaveState))


@bp.post("/leave/<int:leave_id>/decide")
def decide_leave(leave_id: int):
    """Inline approval (AP-P2, C-REV): the row comes back in place with a toast."""
    leave = get_or_404_for(current_user, LeaveRequest, leave_id)
    list_url = url_for("enterprise.leave_requests")
    return review_actions.decide(
        leave_service.decide, leave, label=f"{_leave_row(leave_id).Apprentice.name}的请假申请",
        event=LEAVE_EVENT, decisions=LEAVE_DECISIONS,
        render_row=lambda row_error: page_or_block(
            LEAVE_TEMPLATE, "row", r=_leave_row(leave_id), leave_days=leave_service.leave_days,
            row_error=row_error),
        detail_url=list_url, list_url=list_url,  # a leave has no page of its own
    )


def _leave_row(leave_id: int):
    return db.session.execute(_leave_rows("all").where(LeaveRequest.id == leave_id)).one()


# --- Changes of status (学籍异动) ----------------------------------------------------------


bind_with_prefix(bp, "enterprise", pages.ROUTES)


def _enrolment_choices() -> list[tuple[int, str]]:
    """The enterprise's apprentices in training or suspended (form choices narrowed to scope)."""
    rows = db.session.execute(
        sa.select(Enrolment.id, Apprentice.name, Occupation.name, Enrolment.state)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Enrolment.enterprise_id == current_user.org_id,
               Enrolment.state.in_((EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED)))
        .order_by(Apprentice.name, Enrolment.id)
    ).all()
    return [(i, f"{name} · {occupation} · {EnrolmentState(status).label}")
            for i, name, occupation, status in rows]


def _target_choices() -> list[tuple[int, str]]:
    """Approved programmes of the enterprise with a free seat (transfer targets)."""
    rows = db.session.execute(
        sa.select(Programme.id, Occupation.name, Programme.start_date, Programme.enrolled_count,
                  Programme.planned_count)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Programme.enterprise_id == current_user.org_id,
               Programme.state == ReviewState.APPROVED,
               Programme.enrolled_count < Programme.planned_count)
        .order_by(Programme.start_date.desc(), Programme.id)
    ).all()
    return [(i, f"{name}（{start} 开班，余{planned - taken}个名额）")
            for i, name, start, taken, planned in rows]


def _attach(form, err: ServiceError) -> None:
    for field, message in getattr(err, "problems", None) or [("", err.message)]:
        target = getattr(form, field, None)
        (target.errors if target is not None else form.form_errors).append(message)


@bp.route("/status-changes/new", methods=["GET", "POST"])
def new_status_change():
    enrolments = _enrolment_choices()
    form = StatusChangeForm(enrolments=enrolments, targets=_target_choices())
    if request.method == "GET" and request.args.get("enrolment_id", type=int):
        form.enrolment_id.data = request.args.get("enrolment_id", type=int)
    if form.validate_on_submit():
        enrolment = db.session.get(Enrolment, form.enrolment_id.data)
        try:
            change = status_changes.request_change(current_user, enrolment,
                                                   form.change_data(form.kind.data))
        except ServiceError as err:
            db.session.rollback()
            _attach(form, err)
        else:
            db.session.commit()
            flash("学籍异动申请已提交所在区人社局审核。", "success")
            return redirect(url_for("enterprise.status_change", change_id=change.id))
    return render_template("status/form.html", form=form, has_enrolments=bool(enrolments))


def edit_form(change: StatusChange, formdata=None) -> ChangeDetailsForm:
    """The correction form of a returned request, filled with what was sent."""
    data = None if formdata else {
        "effective_on": change.effective_on, "reason": change.reason,
        "extension_months": change.extension_months,
        "target_programme_id": change.target_programme_id,
    }
    return ChangeDetailsForm(formdata=formdata, data=data, kind=change.kind,
                             targets=_target_choices())


@bp.get("/status-changes/<int:change_id>")
def status_change(change_id: int):
    change = get_or_404_for(current_user, StatusChange, change_id)
    form = edit_form(change) if ChangeState(change.state).editable else None
    return pages.detail("enterprise", change_id, form=form)


@bp.post("/status-changes/<int:change_id>/resubmit")
def resubmit_status_change(change_id: int):
    change = get_or_404_for(current_user, StatusChange, change_id)
    form = edit_form(change, formdata=request.form)
    if form.validate():
        try:
            status_changes.resubmit(current_user, change, form.change_data(change.kind))
        except ServiceError as err:
            db.session.rollback()
            _attach(form, err)
        else:
            db.session.commit()
            flash("修改后的申请已重新提交区人社局审核。", "success")
            return redirect(url_for("enterprise.status_change", change_id=change_id))
    return pages.detail("enterprise", change_id, form=form)


@bp.post("/status-changes/<int:change_id>/cancel")
def cancel_status_change(change_id: int):
    change = get_or_404_for(current_user, StatusChange, change_id)
    try:
        status_changes.cancel(current_user, change)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash("已撤回学籍异动申请。", "success")
    return redirect(url_for("enterprise.status_change", change_id=change_id))
