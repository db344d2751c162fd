"""The trainee's phone pages: scan a session's QR code, tap 签到, see attendance (AP-P4).

Scan → (log in, set a first password: both come back here through `next`) → one page with
one big button → 已签到. The enrolment always comes from the logged-in user; the session
from the signed, short-lived code in the URL.
"""

from flask import current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.apprenticeship.enrolment import services as enrolments
from portal.apprenticeship.training import attendance, credits
from portal.blueprints.checkin import bp
from portal.core.access import get_or_404_for
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import ClassSession
from portal.web.render import page_or_block

REFUSAL_STATUS = {attendance.TokenRefused: 400, NotAllowed: 403}


@bp.get("/")
def home():
    today = attendance.todays_sessions(current_user, attendance.today())
    history = db.paginate(
        attendance.history_query(current_user, before=attendance.now_utc()),
        per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )
    check_ins = attendance.own_check_ins(current_user,
                                         [s.id for s in (*today, *history.items)])
    block = "history" if request.args.get("page") else "today"
    enrolment = enrolments.current_enrolment_for(current_user)
    progress = credits.trainee_progress(enrolment.id) if enrolment is not None else None
    return page_or_block("checkin/home.html", block, today_sessions=today, history=history,
                         check_ins=check_ins, progress=progress)


def _refused(err: ServiceError):
    status = next((code for kind, code in REFUSAL_STATUS.items() if isinstance(err, kind)), 409)
    return page_or_block("checkin/scan.html", "scan", error=err.message, status_code=status)


@bp.get("/checkin/<token>")
def scan(token: str):
    """The page a scanned code opens: the session's title and one 签到 button."""
    try:
        session = attendance.session_from_token(token)
        mine = attendance.check_in_of(current_user, session.id)
        if mine is None:
            attendance.check_allowed(current_user, session)
    except ServiceError as err:
        return _refused(err)
    return page_or_block("checkin/scan.html", "scan", cs=session, mine=mine, token=token)


@bp.post("/checkin/<token>")
def check_in(token: str):
    try:
        session = attendance.session_from_token(token)
        session_id = session.id
        attendance.check_in(current_user, session)
        db.session.commit()
    except IntegrityError:
        # The unique key decided: this trainee is already checked in (a replay, a double
        # tap, two phones at once). Answer with the check-in that is there.
        db.session.rollback()
        if attendance.check_in_of(current_user, session_id) is None:
            raise
    except ServiceError as err:
        db.session.rollback()
        return _refused(err)
    return redirect(url_for("checkin.class_session", session_id=session_id), code=303)


@bp.get("/sessions/<int:session_id>")
def class_session(session_id: int):
    """One session as the trainee sees it: 已签到 with the time and late flag, or not."""
    session = get_or_404_for(current_user, ClassSession, session_id)
    mine = attendance.check_in_of(current_user, session.id)
    return page_or_block("checkin/session.html", "content", cs=session, mine=mine)
