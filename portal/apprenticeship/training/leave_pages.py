"""Leave (请假/销假, AP-P2): the trainee's phone pages and the enterprise's approval queue.

The trainee's pages are plain forms, no JavaScript needed; the enrolment is always the
logged-in trainee's own (access.trainee_enrolments) and a leave of anybody else answers 404.
The enterprise decides inline in its queue (C-REV).
"""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.apprenticeship.enrolment.access import trainee_enrolments
from portal.apprenticeship.training import leave as leave_service
from portal.apprenticeship.training.access import leave_requests_for
from portal.apprenticeship.training.leave_forms import LeaveRequestForm, ReportBackForm
from portal.core.access import get_or_404_for
from portal.extensions import db, htmx
from portal.models import (
    Apprentice,
    Enrolment,
    EnrolmentState,
    LeaveRequest,
    LeaveState,
    Occupation,
    Programme,
)
from portal.web import review as review_actions
from portal.web.commit import commit_or_refuse
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, Route

HISTORY_LIMIT = 50  # a trainee's own leave over one programme: a short list
QUEUE_TEMPLATE = "leave/queue.html"
QUEUE_EVENT = "leaveDecided"
DECISIONS = {d: d.label for d in leave_service.LeaveDecision}  # 批准 / 不批准

# --- The trainee's leave (blueprint "checkin") ----------------------------------------------


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


def leave():
    return _page()


def request_leave():
    form = LeaveRequestForm()
    current = _current()
    if current is None:
        flash("你目前没有在训的学徒培训，不能请假。", "error")
        return redirect(url_for("checkin.leave"))
    if not form.validate_on_submit():
        return _page(form)
    sent = commit_or_refuse(
        lambda: leave_service.request_leave(current_user, current.Enrolment, form.start_date.data,
                                            form.end_date.data, form.reason.data),
        done="请假申请已提交，请等待企业审批。", form=form)
    return redirect(url_for("checkin.leave")) if sent else _page(form)


def cancel_leave(leave_id: int):
    leave = get_or_404_for(current_user, LeaveRequest, leave_id)
    commit_or_refuse(lambda: leave_service.cancel(current_user, leave), done="已撤回请假申请。")
    return redirect(url_for("checkin.leave"))


def report_back(leave_id: int):
    leave = get_or_404_for(current_user, LeaveRequest, leave_id)
    form = ReportBackForm()
    if not form.validate_on_submit():
        flash("；".join(form.returned_on.errors) or "请填写返岗日期", "error")
        return redirect(url_for("checkin.leave"))
    commit_or_refuse(lambda: leave_service.report_back(current_user, leave, form.returned_on.data),
                     done=f"已销假，返岗日期 {form.returned_on.data}。")
    return redirect(url_for("checkin.leave"))


# --- The enterprise's approval queue (blueprint "enterprise") --------------------------------


def _queue_state() -> str:
    state = request.args.get("state", LeaveState.REQUESTED.value)
    return state if state in {s.value for s in LeaveState} | {"all"} else LeaveState.REQUESTED


def _queue_rows(state: str) -> sa.Select:
    q = (leave_requests_for(current_user).add_columns(Enrolment, Apprentice, Programme, Occupation)
         .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
         .join(Programme, Programme.id == Enrolment.programme_id)
         .join(Occupation, Occupation.id == Programme.occupation_id))
    if state != "all":
        q = q.where(LeaveRequest.state == state)
    return q.order_by(LeaveRequest.start_date, LeaveRequest.id)


def _queue_counts() -> dict[str, int]:
    q = leave_requests_for(current_user).with_only_columns(LeaveRequest.state, sa.func.count())
    return dict(db.session.execute(q.group_by(LeaveRequest.state)).all())


def leave_requests():
    state = _queue_state()
    return page_or_block(QUEUE_TEMPLATE, "results", page=paginate_rows(_queue_rows(state)),
                         state=state, counts=_queue_counts(), states=list(LeaveState),
                         leave_days=leave_service.leave_days)


def leave_counts():
    if not htmx:
        return leave_requests()
    return page_or_block(QUEUE_TEMPLATE, "counts", state=_queue_state(), counts=_queue_counts(),
                         states=list(LeaveState))


def decide_leave(leave_id: int):
    """Inline approval (AP-P2, C-REV): the row comes back in place with a toast."""
    leave = get_or_404_for(current_user, LeaveRequest, leave_id)
    list_url = url_for("enterprise.leave_requests")
    return review_actions.decide(
        leave_service.decide, leave, label=f"{_queue_row(leave_id).Apprentice.name}的请假申请",
        event=QUEUE_EVENT, decisions=DECISIONS,
        render_row=lambda row_error: page_or_block(
            QUEUE_TEMPLATE, "row", r=_queue_row(leave_id), leave_days=leave_service.leave_days,
            row_error=row_error),
        detail_url=list_url, list_url=list_url,  # a leave has no page of its own
    )


def _queue_row(leave_id: int):
    return db.session.execute(_queue_rows("all").where(LeaveRequest.id == leave_id)).one()


TRAINEE_LEAVE_ROUTES: tuple[Route, ...] = (
    ("/leave", "leave", leave, GET),
    ("/leave", "request_leave", request_leave, POST),
    ("/leave/<int:leave_id>/cancel", "cancel_leave", cancel_leave, POST),
    ("/leave/<int:leave_id>/return", "report_back", report_back, POST),
)
LEAVE_QUEUE_ROUTES: tuple[Route, ...] = (
    ("/leave", "leave_requests", leave_requests, GET),
    ("/leave/counts", "leave_counts", leave_counts, GET),
    ("/leave/<int:leave_id>/decide", "decide_leave", decide_leave, POST),
)
