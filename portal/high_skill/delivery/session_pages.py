"""The host's delivery pages: its projects in delivery, one project's sessions, attendance
and summaries, and the session screen with the rotating QR / 6-digit code (the same code
and check-in pages as the apprenticeship; presence.qr_screen)."""

from datetime import datetime

from flask import redirect, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import clock
from portal.apprenticeship.training import attendance, presence
from portal.extensions import db, htmx
from portal.high_skill.access import proposals_for
from portal.high_skill.delivery import assessment, completion, sessions
from portal.high_skill.delivery.forms import HsSessionForm, SummaryForm
from portal.high_skill.delivery.views import VIEWS, load_project, load_session
from portal.high_skill.delivery.worklist import due, overdue
from portal.models import HsProposal, ProposalState
from portal.rules.high_skill import HS_SESSION_FORMATS, hs_days_late, hs_filing_deadline
from portal.web.commit import commit_or_refuse
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.web.routes import current_view

SESSION_TEMPLATE = "high_skill/delivery/session.html"
DUE_FILTERS = {"1": "7天内到期或已逾期", "overdue": "已逾期未报"}


def list_page():
    """Projects in delivery (filed or completed), with the HS-W8 deadline."""
    view = current_view(VIEWS)
    today = clock.today()
    q = proposals_for(current_user).options(joinedload(HsProposal.host)).where(
        HsProposal.state.in_((ProposalState.FILED, ProposalState.COMPLETED)))
    flt = request.args.get("due", "")
    if flt == "1":
        q = q.where(due(today))
    elif flt == "overdue":
        q = q.where(overdue(today))
    else:
        flt = ""
    page = paginate(q.order_by(HsProposal.ends_on, HsProposal.id))
    return page_or_block("high_skill/delivery/list.html", "results", view=view, page=page,
                         due=flt, filters=DUE_FILTERS, today=today,
                         deadline=hs_filing_deadline, days_late=hs_days_late)


def delivery_page(proposal_id: int, summary_errors: dict | None = None):
    """One project: hours held against the plan, sessions, each trainee's attendance,
    summary and verdict, and the way to the completion filing."""
    view = current_view(VIEWS)
    project = load_project(proposal_id)
    today = clock.today()
    held = sessions.held(project.id)
    session_rows = list(db.session.scalars(sessions.sessions_of(project.id)))
    return page_or_block(
        "high_skill/delivery/project.html", "content", view=view, project=project,
        held=held, planned=sessions.planned_by_format(project), formats=HS_SESSION_FORMATS,
        session_rows=session_rows,
        counts=sessions.check_in_counts(s.id for s in session_rows),
        rows=sessions.attendance_of(project.id), summary_form=SummaryForm(),
        summary_errors=summary_errors or {},
        assessment_open=assessment.is_open(project, today),
        deadline=hs_filing_deadline(project.ends_on), today=today,
        filing=completion.completion_filing(project.id))


def new_session_page(proposal_id: int):
    view = current_view(VIEWS)
    project = load_project(proposal_id, "open_session")
    form = HsSessionForm()
    if request.method == "GET":
        form.starts_at.data = datetime.now(clock.BEIJING).replace(second=0, microsecond=0,
                                                                  tzinfo=None)
    if form.validate_on_submit():
        opened = commit_or_refuse(
            lambda: sessions.open_hs_session(
                current_user, project, form.title.data, clock.beijing_to_utc(form.starts_at.data),
                form.late_after_minutes.data, form.hs_format.data, form.hs_hours.data),
            done="课堂已开设，请学员扫描二维码签到。", form=form)
        if opened:
            return redirect(view.url("hs_session", session_id=opened.value.id))
    return page_or_block("high_skill/delivery/new_session.html", "content", view=view,
                         project=project, form=form)


def _screen(session) -> dict:
    return {"attendees": attendance.attendees(session.id),
            "expected": attendance.expected_count(session)}


def session_page(session_id: int):
    view = current_view(VIEWS)
    session = load_session(session_id)
    project = load_project(session.hs_proposal_id)
    return page_or_block(SESSION_TEMPLATE, "content", view=view, cs=session, project=project,
                         formats=HS_SESSION_FORMATS, **presence.qr_screen(session),
                         **_screen(session))


def qr_block(session_id: int):
    """Polled every 30 s: a fresh code, or none once the session is closed."""
    if not htmx:
        return session_page(session_id)
    session = load_session(session_id)
    return page_or_block(SESSION_TEMPLATE, "qr", view=current_view(VIEWS), cs=session,
                         **presence.qr_screen(session))


def attendees_block(session_id: int):
    """Polled every 3 s: who has checked in, and 已签到 n / 应到 m."""
    if not htmx:
        return session_page(session_id)
    session = load_session(session_id)
    return page_or_block(SESSION_TEMPLATE, "attendees", view=current_view(VIEWS), cs=session,
                         **_screen(session))


def close(session_id: int):
    session = load_session(session_id)
    commit_or_refuse(lambda: attendance.close_session(current_user, session), done="已结束签到。")
    return redirect(current_view(VIEWS).url("hs_session", session_id=session_id))
