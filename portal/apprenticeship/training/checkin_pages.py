"""The trainee's check-in pages (AP-P4): scan a session's QR code, tap 签到, see the session.

Scan → (log in, set a first password: both come back here through `next`) → one page with
one big button → 已签到. The enrolment always comes from the logged-in user; the session
from the signed, short-lived code in the URL.
"""

from flask import redirect, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.apprenticeship.training import attendance
from portal.core.access import get_or_404_for
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import ClassSession
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, Route

REFUSAL_STATUS = {attendance.TokenRefused: 400, NotAllowed: 403}


def _refused(err: ServiceError):
    status = next((code for kind, code in REFUSAL_STATUS.items() if isinstance(err, kind)), 409)
    return page_or_block("checkin/scan.html", "scan", error=err.message, status_code=status)


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


def check_in(token: str):
    # Not commit_or_refuse: a refusal answers the scan page with its own status code, and a
    # lost race on the unique key is an answer, not an error.
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


def class_session(session_id: int):
    """One session as the trainee sees it: 已签到 with the time and late flag, or not."""
    session = get_or_404_for(current_user, ClassSession, session_id)
    mine = attendance.check_in_of(current_user, session.id)
    return page_or_block("checkin/session.html", "content", cs=session, mine=mine)


CHECKIN_ROUTES: tuple[Route, ...] = (
    ("/checkin/<token>", "scan", scan, GET),
    ("/checkin/<token>", "check_in", check_in, POST),
    ("/sessions/<int:session_id>", "class_session", class_session, GET),
)
