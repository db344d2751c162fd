"""Class-session pages of the enterprise and institution blueprints (AP-P1, AP-P3, AP-P4).

The session screen is one template with three swappable blocks: the rotating QR code and
its 6-digit code (fetched again at the start of each 30-second window), the live attendance
list with its flags (polled every 3 s) and the evidence. Polling GETs only read. The
optional location check is switched on and off here too.
"""

from datetime import date, datetime

import sqlalchemy as sa
from flask import redirect, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import clock, rules
from portal.apprenticeship.programmes.access import trained_programmes
from portal.apprenticeship.training import attendance, presence
from portal.apprenticeship.training.access import class_sessions_for
from portal.apprenticeship.training.attendance_forms import (
    EvidenceForm,
    LocationCheckForm,
    SessionForm,
)
from portal.core import files as documents
from portal.core.access import can, get_or_404_for
from portal.extensions import db, htmx
from portal.models import CheckIn, ClassSession, Programme
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, RoleView, Route, current_view

SESSION_TEMPLATE = "attendance/session.html"
LIST_TEMPLATE = "attendance/list.html"
STATES = {"open": "签到中", "closed": "已结束"}

VIEWS = {name: RoleView(blueprint=name) for name in ("enterprise", "institution")}


def _with_programme(q: sa.Select) -> sa.Select:
    return q.options(joinedload(ClassSession.programme).options(
        joinedload(Programme.occupation), joinedload(Programme.enterprise),
        joinedload(Programme.institution)))


def programme_label(programme: Programme) -> str:
    return (f"{programme.occupation.name} · {rules.LEVEL_LABELS.get(programme.level, '')} · "
            f"{programme.enterprise.name}（{programme.start_date} 开班）")


def _openable() -> list[Programme]:
    q = trained_programmes(current_user).options(
        joinedload(Programme.occupation), joinedload(Programme.enterprise))
    return list(db.session.scalars(q.order_by(Programme.start_date.desc(), Programme.id)))


# --- the list ---------------------------------------------------------------------------


def _day_arg() -> date | None:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None


def list_page():
    state = request.args.get("state", "all")
    if state not in STATES:
        state = "all"
    programme_id = request.args.get("programme_id", type=db_int)
    day = _day_arg()
    q = _with_programme(class_sessions_for(current_user))
    if day:  # the worklist's sessions of today
        q = q.where(attendance.starting_on(day))
    if state == "open":
        q = q.where(ClassSession.closed_at.is_(None))
    elif state == "closed":
        q = q.where(ClassSession.closed_at.is_not(None))
    if programme_id:
        q = q.where(ClassSession.programme_id == programme_id)
    page = paginate(q.order_by(ClassSession.starts_at.desc(), ClassSession.id.desc()))
    counts = dict(db.session.execute(
        sa.select(CheckIn.session_id, sa.func.count())
        .where(CheckIn.session_id.in_([s.id for s in page.items]))
        .group_by(CheckIn.session_id)
    ).all()) if page.items else {}
    return page_or_block(LIST_TEMPLATE, "results", view=current_view(VIEWS), page=page,
                         counts=counts, state=state, states=STATES, programme_id=programme_id,
                         day=day,
                         can_open=db.session.scalar(sa.select(
                             trained_programmes(current_user).exists())))


# --- opening ----------------------------------------------------------------------------


def new_page():
    view = current_view(VIEWS)
    programmes = _openable()
    form = SessionForm()
    form.programme_id.choices = [(p.id, programme_label(p)) for p in programmes]
    if request.method == "GET":
        form.programme_id.data = request.args.get("programme_id", type=db_int)
        form.starts_at.data = datetime.now(clock.BEIJING).replace(second=0, microsecond=0,
                                                                        tzinfo=None)
    if form.validate_on_submit():
        programme = get_or_404_for(current_user, Programme, form.programme_id.data)
        opened = commit_or_refuse(
            lambda: attendance.open_session(
                current_user, programme, form.title.data,
                clock.beijing_to_utc(form.starts_at.data), form.late_after_minutes.data),
            done="课堂已开设，请学员扫描二维码签到。", form=form)
        if opened:
            return redirect(view.url("class_session", session_id=opened.value.id))
    return page_or_block("attendance/new.html", "content", view=view, form=form,
                         has_programmes=bool(programmes))


# --- the session screen -----------------------------------------------------------------


def _load(session_id: int, action: str = "view") -> ClassSession:
    return get_or_404_for(current_user, ClassSession, session_id, action)


def _qr(session: ClassSession) -> dict:
    return presence.qr_screen(session)


def _attendance(session: ClassSession) -> dict:
    return {"attendees": attendance.attendees(session.id),
            "expected": attendance.expected_count(session)}


def _evidence(session: ClassSession) -> dict:
    return {"evidence": attendance.evidence_of(session.id)}


def _location_form(session: ClassSession) -> LocationCheckForm | None:
    """The switch, for the one who runs the open session; the parameter's radius to start."""
    if not can(current_user, "close", session) or session.radius_m is not None:
        return None
    form = LocationCheckForm()
    form.radius_m.data = presence.default_radius_m()
    return form


def session_page(session_id: int, evidence_form: EvidenceForm | None = None,
                 location_form: LocationCheckForm | None = None):
    session = db.session.scalar(_with_programme(sa.select(ClassSession))
                                .where(ClassSession.id == _load(session_id).id))
    return page_or_block(
        SESSION_TEMPLATE, "content", view=current_view(VIEWS), cs=session,
        programme_label=programme_label(session.programme),
        evidence_form=evidence_form or EvidenceForm(),
        location_form=location_form or _location_form(session),
        **_qr(session), **_attendance(session), **_evidence(session),
    )


def qr_block(session_id: int):
    """Polled every 30 s: a fresh code, or none once the session is closed."""
    if not htmx:  # a fragment's address opened as a page: the whole page
        return session_page(session_id)
    session = _load(session_id)
    return page_or_block(SESSION_TEMPLATE, "qr", view=current_view(VIEWS), cs=session,
                         **_qr(session))


def attendees_block(session_id: int):
    """Polled every 3 s: who has checked in, and 已签到 n / 应到 m."""
    if not htmx:
        return session_page(session_id)
    session = _load(session_id)
    return page_or_block(SESSION_TEMPLATE, "attendees", view=current_view(VIEWS), cs=session,
                         **_attendance(session))


def close(session_id: int):
    session = _load(session_id)
    commit_or_refuse(lambda: attendance.close_session(current_user, session), done="已结束签到。")
    return redirect(current_view(VIEWS).url("class_session", session_id=session_id))


def location_check(session_id: int):
    """AP-P1: turn the location check on around the teacher's browser's position."""
    session = _load(session_id, "close")
    form = LocationCheckForm()
    if form.validate_on_submit():
        centre, _accuracy = presence.position_from(request.form)
        done = commit_or_refuse(
            lambda: presence.set_location_check(current_user, session, centre,
                                                form.radius_m.data),
            done=f"已开启位置核验：签到范围 {form.radius_m.data} 米。", flash_error=False)
        if done:
            return redirect(current_view(VIEWS).url("class_session", session_id=session_id))
        form.radius_m.errors.append(done.error)
    return session_page(session_id, location_form=form)


def location_check_off(session_id: int):
    session = _load(session_id, "close")
    commit_or_refuse(lambda: presence.set_location_check(current_user, session, None, None),
                     done="已关闭位置核验。")
    return redirect(current_view(VIEWS).url("class_session", session_id=session_id))


@documents.accepts(*attendance.EVIDENCE_MEDIA)
def add_evidence(session_id: int):
    session = _load(session_id, "add_evidence")
    form = EvidenceForm()
    if form.validate_on_submit():
        added = commit_or_refuse(
            lambda: attendance.add_evidence(current_user, session, form.photo.data),
            done="已上传。", flash_error=False)
        if added:
            return redirect(current_view(VIEWS).url("class_session", session_id=session_id))
        form.photo.errors.append(added.error)
    return session_page(session_id, evidence_form=form)


SESSION_ROUTES: tuple[Route, ...] = (
    ("/sessions", "sessions", list_page, GET),
    ("/sessions/new", "new_session", new_page, GET_POST),
    ("/sessions/<int:session_id>", "class_session", session_page, GET),
    ("/sessions/<int:session_id>/qr", "session_qr", qr_block, GET),
    ("/sessions/<int:session_id>/attendees", "session_attendees", attendees_block, GET),
    ("/sessions/<int:session_id>/close", "close_session", close, POST),
    ("/sessions/<int:session_id>/location", "session_location", location_check, POST),
    ("/sessions/<int:session_id>/location/off", "session_location_off", location_check_off,
     POST),
    ("/sessions/<int:session_id>/evidence", "add_evidence", add_evidence, POST),
)
