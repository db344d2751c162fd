"""The trainee's check-in pages (AP-P4, AP-P1): scan a session's QR code, tap 签到, see the
session; or type the 6-digit code beside the QR code when the camera fails.

Scan → (log in, set a first password: both come back here through `next`) → one page with
one big button → 已签到, answered by the POST itself: no redirect round trip on a slow
classroom network. The enrolment always comes from the logged-in user; the session from the
signed, short-lived code in the URL (after it expired, from the personal grant the scan page
gave this user), or from the typed code.
"""

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.apprenticeship.training import attendance, presence
from portal.apprenticeship.training.attendance_forms import CheckInCodeForm
from portal.core.access import get_or_404_for
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db, limiter
from portal.models import ClassSession
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, Route

SCAN = "checkin/scan.html"
CODE = "checkin/code.html"
REFUSAL_STATUS = {attendance.TokenRefused: 400, NotAllowed: 403}

# Wrong codes only (a typo costs one try); the per-session limit stops several accounts of
# one class guessing together. Configurable for tests and for a school that needs more.
CODE_LIMIT = "5 per minute"
CODE_SESSION_LIMIT = "30 per minute"
CODE_LIMITED = "签到码输入错误次数过多，请稍后再试，或扫描老师屏幕上的二维码签到。"


def _refused(err: ServiceError, token: str | None = None):
    if isinstance(err, attendance.TokenRefused) and token:
        # An old code of a session this trainee already checked in to (a reload, a second
        # scan later): that is an answer, not an error.
        session_id = attendance.authentic_session_id(token)
        mine = attendance.check_in_of(current_user, session_id) if session_id else None
        if mine is not None:
            return page_or_block(SCAN, "scan", cs=db.session.get(ClassSession, session_id),
                                 mine=mine)
    status = next((code for kind, code in REFUSAL_STATUS.items() if isinstance(err, kind)), 409)
    return page_or_block(SCAN, "scan", error=err.message, status_code=status,
                         expired=isinstance(err, attendance.TokenRefused))


def _device() -> presence.Device:
    return presence.read_device(request.cookies.get(presence.DEVICE_COOKIE))


def scan(token: str):
    """The page a scanned code opens: the session's title and one 签到 button."""
    try:
        session = attendance.session_from_token(token)
        mine = attendance.check_in_of(current_user, session.id)
        if mine is None:
            attendance.check_allowed(current_user, session)
    except ServiceError as err:
        return _refused(err, token)
    grant = presence.grant_for(current_user.id, session.id) if mine is None else None
    response = page_or_block(SCAN, "scan", cs=session, mine=mine, token=token, grant=grant)
    device = _device()
    # A new phone gets its cookie now, so the tap carries it; a forged one stays until the
    # tap, which records the flag.
    return response if device.forged else presence.set_device_cookie(response, device)


def _record(session_id: int):
    """Check the trainee in and answer with the confirmation itself."""
    # Not commit_or_refuse: a refusal answers the scan page with its own status code, and a
    # lost race on the unique key is an answer, not an error.
    device, user_id = _device(), current_user.id  # read before the commit expires the user
    try:
        session = db.session.get(ClassSession, session_id)
        if session is None:
            raise attendance.TokenRefused(attendance.TOKEN_INVALID)
        row = attendance.check_in(current_user, session, presence=presence.presence_of(
            device, session_id, user_id, request.form))
        # Rendered before the commit, which expires the objects: no reading them back.
        response = page_or_block(SCAN, "scan", cs=session, mine=row)
        db.session.commit()
    except IntegrityError:
        # The unique key decided: this trainee is already checked in (a replay, a double
        # tap, two phones at once). Answer with the check-in that is there.
        db.session.rollback()
        mine = attendance.check_in_of(current_user, session_id)
        if mine is None:
            raise
        return page_or_block(SCAN, "scan", cs=db.session.get(ClassSession, session_id),
                             mine=mine)
    except ServiceError as err:
        db.session.rollback()
        return _refused(err)
    return presence.set_device_cookie(response,
                                      presence.after_check_in(device, session_id, user_id))


def check_in(token: str):
    try:
        session_id = presence.session_id_for_check_in(token, request.form.get("grant"),
                                                      current_user.id)
    except ServiceError as err:
        return _refused(err, token)
    return _record(session_id)


def code_sessions() -> list[ClassSession]:
    """Today's sessions the trainee may still check in to, for the code form."""
    today = attendance.todays_sessions(current_user, attendance.today())
    return presence.awaiting_check_in(
        today, attendance.own_check_ins(current_user, [s.id for s in today]))


def code_page():
    return page_or_block(CODE, "code", form=CheckInCodeForm().offer(code_sessions()))


def _code_limit() -> str:
    return current_app.config.get("CHECKIN_CODE_LIMIT", CODE_LIMIT)


def _code_session_limit() -> str:
    return current_app.config.get("CHECKIN_CODE_SESSION_LIMIT", CODE_SESSION_LIMIT)


def _trainee_key() -> str:
    return f"trainee:{getattr(current_user, 'id', None)}"


def _session_key() -> str:
    return f"session:{(request.form.get('session_id') or '')[:12]}"


def _wrong_code(_response) -> bool:
    return g.get("checkin_code_wrong", False)


@limiter.limit(_code_limit, methods=["POST"], key_func=_trainee_key, deduct_when=_wrong_code,
               error_message=CODE_LIMITED)
@limiter.limit(_code_session_limit, methods=["POST"], key_func=_session_key,
               deduct_when=_wrong_code, error_message=CODE_LIMITED)
def code_check_in():
    """AP-P1: check in with the typed code; answers 已签到 like the tap on the scan page."""
    form = CheckInCodeForm()
    if form.validate_on_submit():
        session = get_or_404_for(current_user, ClassSession, form.session_id.data)
        if presence.code_matches(session.id, form.code.data):
            return _record(session.id)
        g.checkin_code_wrong = True
        form.code.errors.append(presence.CODE_WRONG)
    return page_or_block(CODE, "code", form=form.offer(code_sessions()))


def class_session(session_id: int):
    """One session as the trainee sees it: 已签到 with the time and late flag, or not."""
    session = get_or_404_for(current_user, ClassSession, session_id)
    mine = attendance.check_in_of(current_user, session.id)
    form = CheckInCodeForm().offer([session]) if mine is None and not session.closed_at else None
    return page_or_block("checkin/session.html", "content", cs=session, mine=mine,
                         code_form=form)


CHECKIN_ROUTES: tuple[Route, ...] = (
    ("/checkin/<token>", "scan", scan, GET),
    ("/checkin/<token>", "check_in", check_in, POST),
    ("/code", "checkin_code", code_page, GET),
    ("/code", "code_check_in", code_check_in, POST),
    ("/sessions/<int:session_id>", "class_session", class_session, GET),
)
