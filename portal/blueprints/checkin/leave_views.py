"""The trainee's leave pages (请假/销假, AP-P2): phone-first plain forms, no JavaScript needed.

The enrolment is always the logged-in trainee's own (access.trainee_enrolments); a leave
of anybody else is out of scope and answers 404.
"""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from portal.apprenticeship.training import leave as leave_service
from portal.apprenticeship.training.leave_forms import LeaveRequestForm, ReportBackForm
from portal.blueprints.checkin import bp
from portal.core.access import get_or_404_for, leave_requests_for, trainee_enrolments
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import Enrolment, EnrolmentState, LeaveRequest, Occupation, Programme

HISTORY_LIMIT = 50  # a trainee's own leave over one programme: a short list


def _current():
    """(enrolment, programme, occupation) the trainee is in training on, or None."""
    return db.session.execute(
        trainee_enrolments(current_user)
        .add_columns(Programme, Occupation)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Enrolment.state.in_((EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED)))
        .limit(1)
    ).first()


def _page(form: LeaveRequestForm | None = None):
    leaves = db.session.execute(
        leave_requests_for(current_user).add_columns(Enrolment)
        .order_by(LeaveRequest.start_date.desc(), LeaveRequest.id.desc()).limit(HISTORY_LIMIT)
    ).all()
    return render_template(
        "leave/home.html", current=_current(), form=form or LeaveRequestForm(),
        leaves=[row.LeaveRequest for row in leaves], today=leave_service.today(),
        comments=leave_service.decision_comments(row.LeaveRequest.id for row in leaves),
        leave_days=leave_service.leave_days,
    )


@bp.get("/leave")
def leave():
    return _page()


@bp.post("/leave")
def request_leave():
    form = LeaveRequestForm()
    current = _current()
    if current is None:
        flash("你目前没有在训的学徒培训，不能请假。", "error")
        return redirect(url_for("checkin.leave"))
    if not form.validate_on_submit():
        return _page(form)
    try:
        leave_service.request_leave(current_user, current.Enrolment, form.start_date.data,
                                    form.end_date.data, form.reason.data)
    except ServiceError as err:
        db.session.rollback()
        form.form_errors.append(err.message)
        return _page(form)
    db.session.commit()
    flash("请假申请已提交，请等待企业审批。", "success")
    return redirect(url_for("checkin.leave"))


@bp.post("/leave/<int:leave_id>/cancel")
def cancel_leave(leave_id: int):
    leave = get_or_404_for(current_user, LeaveRequest, leave_id)
    return _act(lambda: leave_service.cancel(current_user, leave), "已撤回请假申请。")


@bp.post("/leave/<int:leave_id>/return")
def report_back(leave_id: int):
    leave = get_or_404_for(current_user, LeaveRequest, leave_id)
    form = ReportBackForm()
    if not form.validate_on_submit():
        flash("；".join(form.returned_on.errors) or "请填写返岗日期", "error")
        return redirect(url_for("checkin.leave"))
    return _act(lambda: leave_service.report_back(current_user, leave, form.returned_on.data),
                f"已销假，返岗日期 {form.returned_on.data}。")


def _act(action, done: str):
    try:
        action()
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("checkin.leave"))

