"""What a check-in carries besides the login (AP-P1): the 6-digit code beside the QR code, the
personal grant of the scan page, the phone's device cookie and the browser's position; and
the teacher's switch for a session's location check.

The code, the grant and the cookie are signatures made with the app's secret, checked without
a database read, so the check-in POST costs what it did (issue 9 measures it). Flags (a shared
phone, a forged cookie, a position outside the radius) are recorded for the teacher; none of
them refuses a check-in.
"""

import hashlib
import hmac
import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import segno
from flask import current_app, url_for
from itsdangerous import BadData, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from portal import rules
from portal.apprenticeship.training import attendance
from portal.catalogue.parameters import parameters_on
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.models import ClassSession
from portal.models.training import DeviceFlag
from portal.rules.checkin import Position

# --- the 6-digit code -------------------------------------------------------------------

CODE_DIGITS = 6
# The window on screen and the one before it, like the QR code (TOKEN_MAX_AGE): a code read
# in the last second of its window still works while it is typed.
CODE_WINDOWS = 2
CODE_WRONG = "签到码不正确或已过期，请核对老师屏幕上的6位数字"


def _window(now: float | None) -> int:
    return int((attendance._clock() if now is None else now) // attendance.WINDOW_SECONDS)


def _secret() -> bytes:
    secret = current_app.secret_key
    return secret if isinstance(secret, bytes) else secret.encode()


def _code(session_id: int, window: int) -> str:
    message = b"checkin-code|%d|%d" % (session_id, window)
    digest = hmac.new(_secret(), message, hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"


def numeric_code(session_id: int, now: float | None = None) -> str:
    """The code shown beside the QR code: rotates with it, in the same 30-second windows."""
    return _code(session_id, _window(now))


def normalise_code(typed: str | None) -> str:
    """Digits only: the screen shows "123 456", a phone keyboard may add spaces."""
    return "".join(ch for ch in (typed or "") if not ch.isspace())


def code_matches(session_id: int, typed: str | None, now: float | None = None) -> bool:
    code = normalise_code(typed)
    if len(code) != CODE_DIGITS or not (code.isascii() and code.isdigit()):
        return False
    window = _window(now)
    return any(hmac.compare_digest(code, _code(session_id, window - back))
               for back in range(CODE_WINDOWS))


def seconds_to_next_window(now: float | None = None) -> int:
    """When the screen should fetch the next code: at the start of the next window."""
    now = attendance._clock() if now is None else now
    return max(1, math.ceil((_window(now) + 1) * attendance.WINDOW_SECONDS - now))


def qr_screen(session: ClassSession) -> dict:
    """What a session screen shows: the QR code of the scan URL and the 6-digit code of the
    same window, and when to fetch the next; nothing once the session is closed. For
    screens outside the training domain (high-skill sessions) that show the same code."""
    if session.closed_at is not None:
        return {"checkin_url": None, "qr_uri": None}
    now = attendance._clock()  # one instant for the QR code, the digits and the next refresh
    url = url_for("checkin.scan", token=attendance.checkin_token(session.id, now),
                  _external=True)
    digits = numeric_code(session.id, now)
    return {"checkin_url": url,
            "qr_uri": segno.make(url, error="m").svg_data_uri(scale=1, border=4, omitsize=True,
                                                              light="#fff"),
            "digits": f"{digits[:3]} {digits[3:]}",
            "refresh_in": seconds_to_next_window(now)}


# --- the personal grant -----------------------------------------------------------------

# A trainee who opened the scan page in time may tap for this long (the code itself lives a
# minute); bound to the user and the session, so it is no use to anyone it is sent to.
GRANT_SECONDS = 120
GRANT_SALT = "checkin-grant"
GRANT_REFUSED = "签到凭证与当前账号或课堂不符，请重新扫描老师屏幕上的二维码"


def _grant_signing(now: float):
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=GRANT_SALT)
    signer = serializer.make_signer(GRANT_SALT)
    # The signer reads its clock both to stamp and to check the age: the tests move it.
    signer.get_timestamp = lambda: int(now)
    return serializer, signer


def grant_for(user_id: int, session_id: int, now: float | None = None) -> str:
    serializer, signer = _grant_signing(attendance._clock() if now is None else now)
    return signer.sign(serializer.dump_payload([user_id, session_id])).decode("ascii")


def grant_problem(grant: str, user_id: int, session_id: int,
                  now: float | None = None) -> str | None:
    """Why `grant` does not let `user_id` check in to `session_id`, or None."""
    serializer, signer = _grant_signing(attendance._clock() if now is None else now)
    try:
        granted = serializer.load_payload(signer.unsign(grant, max_age=GRANT_SECONDS))
    except SignatureExpired:
        return attendance.TOKEN_EXPIRED
    except BadData:
        return GRANT_REFUSED
    return None if granted == [user_id, session_id] else GRANT_REFUSED


def session_id_for_check_in(token: str, grant: str | None, user_id: int,
                            now: float | None = None) -> int:
    """The session a tap checks in to: the code's while it is fresh; once it is too old, only
    with this user's grant of that session, for GRANT_SECONDS after the scan page opened."""
    try:
        return attendance.session_id_from_token(token, now)
    except attendance.TokenRefused as err:
        session_id = attendance.authentic_session_id(token) if grant else None
        if session_id is None:
            raise
        problem = grant_problem(grant, user_id, session_id, now)
        if problem is not None:
            raise attendance.TokenRefused(problem) from err
        return session_id


# --- the device cookie ------------------------------------------------------------------

DEVICE_COOKIE = "portal_device"
DEVICE_SALT = "checkin-device"
DEVICE_MAX_AGE = 400 * 24 * 3600  # browsers keep a cookie at most 400 days
DEVICE_ID_BYTES = 12  # 16 URL-safe characters
DEVICE_RECENT = 8  # the phone's last check-ins it remembers: (session id, user id)


@dataclass(frozen=True)
class Device:
    """One phone, as its signed cookie says: a random id and its last check-ins."""

    id: str
    recent: tuple[tuple[int, int], ...] = ()
    forged: bool = False
    issued: bool = False  # new here: the response sets the cookie


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=DEVICE_SALT)


def _new_device(forged: bool = False) -> Device:
    return Device(secrets.token_urlsafe(DEVICE_ID_BYTES), forged=forged, issued=True)


def read_device(raw: str | None) -> Device:
    """The phone of a request. No cookie: a new phone. A cookie this server did not sign (or
    signed in another shape): a new phone, marked forged, so its check-in is flagged."""
    if not raw:
        return _new_device()
    try:
        data = _device_serializer().loads(raw)
        device_id, recent = data["d"], tuple((int(s), int(u)) for s, u in data["r"])
    except (BadData, KeyError, TypeError, ValueError):
        return _new_device(forged=True)
    if not isinstance(device_id, str) or not 0 < len(device_id) <= 24:
        return _new_device(forged=True)
    return Device(device_id, recent)


def device_flag(device: Device, session_id: int, user_id: int) -> DeviceFlag | None:
    """AP-P1: one phone, one trainee per session."""
    if device.forged:
        return DeviceFlag.FORGED
    if rules.device_shared(device.recent, session_id, user_id):
        return DeviceFlag.SHARED
    return None


def after_check_in(device: Device, session_id: int, user_id: int) -> Device:
    recent = [(session_id, user_id), *(p for p in device.recent if p != (session_id, user_id))]
    return Device(device.id, tuple(recent[:DEVICE_RECENT]), issued=True)


def set_device_cookie(response, device: Device):
    """Write the cookie when it is new or changed; HttpOnly, so no script can copy it."""
    if device.issued:
        value = _device_serializer().dumps({"d": device.id, "r": [list(p) for p in device.recent]})
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE, path="/m",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                            samesite="Lax")
    return response


# --- the position -----------------------------------------------------------------------

ACCURACY_MAX_M = 1_000_000


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def position_from(form: Mapping) -> tuple[Position | None, int | None]:
    """The browser's position posted with a form (latitude, longitude, accuracy in metres);
    (None, None) when it is missing or no real place (then the check-in is flagged)."""
    latitude, longitude = _number(form.get("latitude")), _number(form.get("longitude"))
    if latitude is None or longitude is None or not rules.is_valid_position(latitude, longitude):
        return None, None
    accuracy = _number(form.get("accuracy"))
    accuracy_m = min(round(accuracy), ACCURACY_MAX_M) if accuracy is not None and accuracy >= 0 \
        else None
    return (latitude, longitude), accuracy_m


def presence_of(device: Device, session_id: int, user_id: int,
                form: Mapping) -> attendance.Presence:
    position, accuracy_m = position_from(form)
    return attendance.Presence(device.id, device_flag(device, session_id, user_id), position, accuracy_m)


# --- the teacher's switch ---------------------------------------------------------------

NO_POSITION = "未能获取本机位置：请允许浏览器使用位置信息（定位）后重试"


def default_radius_m() -> int:
    """The `checkin_radius_m` parameter (AP-P1) in force today."""
    return parameters_on(attendance.today())["checkin_radius_m"]


def set_location_check(actor, session: ClassSession, centre: Position | None,
                       radius_m: int | None) -> None:
    """AP-P1: turn the session's location check on (the teacher's position and a radius) or
    off (`radius_m` None). Check-ins recorded before keep their flags."""
    if not can(actor, "run", session):
        raise NotAllowed("只有开设本课堂的单位可以设置位置核验")
    if session.closed_at is not None:
        raise StateConflict(attendance.SESSION_CLOSED)
    if radius_m is None:
        session.radius_m = session.centre_latitude = session.centre_longitude = None
        comment = "关闭位置核验"
    else:
        if not rules.RADIUS_MIN_M <= radius_m <= rules.RADIUS_MAX_M:
            raise ServiceError(f"签到范围须为{rules.RADIUS_MIN_M}–{rules.RADIUS_MAX_M}米")
        if centre is None or not rules.is_valid_position(*centre):
            raise ServiceError(NO_POSITION)
        session.radius_m = radius_m
        session.centre_latitude, session.centre_longitude = centre
        comment = f"开启位置核验，半径 {radius_m} 米"
    audit.record(actor, attendance.OBJECT_TYPE, session.id, "location_check", comment=comment)
    db.session.flush()


# --- the trainee's code form ------------------------------------------------------------


def awaiting_check_in(sessions: Iterable[ClassSession], check_ins: Mapping) -> list:
    """Of the trainee's sessions, those still open that they have not checked in to."""
    return [s for s in sessions if s.closed_at is None and s.id not in check_ins]
