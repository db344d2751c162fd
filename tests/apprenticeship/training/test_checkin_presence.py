"""AP-P1: a check-in that never fails in class, and says who and where.

The 6-digit code beside the QR code, the scan page's personal grant, one phone per trainee
per session, the optional location check, the answer without a redirect, and the projector
that survives its teacher's expired login. Through the Flask test client over the real
migrated database; time moves by replacing `attendance._clock`.
"""

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.apprenticeship.training import attendance, presence
from portal.extensions import db
from portal.models import Apprentice, AuditLog, CheckIn, ClassSession, ReviewState
from portal.models.base import utcnow
from portal.models.training import DeviceFlag
from portal.rules import LocationProblem
from tests.apprenticeship.training.test_attendance import CHECKIN_URL, check_in_rows, token_path
from tests.enrolment_factories import make_class_session, make_enrolment, trainee_of
from tests.factories import PASSWORD
from tests.programme_factories import make_programme

GRANT = re.compile(r'name="grant" value="([^"]+)"')
T0 = 1_800_000_000.0  # the start of a 30-second window
SCHOOL = (39.9087, 116.3975)
ONE_KM_NORTH = (SCHOOL[0] + 0.009, SCHOOL[1])


@pytest.fixture
def clock(monkeypatch):
    """Set the check-in clock: `clock(t)`."""

    def _set(t: float) -> None:
        monkeypatch.setattr(attendance, "_clock", lambda: t)

    return _set


def _row(enrolment_id: int) -> CheckIn:
    db.session.rollback()  # read what the requests committed
    return db.session.scalar(sa.select(CheckIn).where(CheckIn.enrolment_id == enrolment_id))


def _name(enrolment) -> str:
    return db.session.get(Apprentice, enrolment.apprentice_id).name


def _code_post(phone, session_id: int, code: str, **data):
    return phone.post("/m/code", data={"session_id": session_id, "code": code, **data})


def _live_list(client_for, world, session_id: int) -> str:
    teacher = client_for(world.institution_user)
    return teacher.hx_get(f"/institution/sessions/{session_id}/attendees").get_data(as_text=True)


# --- the 6-digit code ---------------------------------------------------------------------


def test_AP_P1_numeric_code_rotates_with_the_qr_code_and_lives_two_windows(app):
    first = presence.numeric_code(7, now=T0)
    assert re.fullmatch(r"\d{6}", first)
    assert presence.numeric_code(7, now=T0 + 29) == first
    assert presence.numeric_code(7, now=T0 + 30) != first  # the next window
    assert presence.numeric_code(8, now=T0) != first  # another session
    assert presence.code_matches(7, first, now=T0 + 59)  # the window after: still good
    assert presence.code_matches(7, f"{first[:3]} {first[3:]}", now=T0)  # typed as shown
    assert not presence.code_matches(7, first, now=T0 + 60)  # two windows on: gone
    assert not presence.code_matches(8, first, now=T0)
    for junk in ("", "12345", "1234567", "abcdef", None):
        assert not presence.code_matches(7, junk, now=T0)


def test_AP_P1_the_screen_shows_the_code_beside_the_qr_code(world, client_for, clock):
    session = make_class_session(world.programme)
    clock(T0 + 20)
    teacher = client_for(world.institution_user)
    block = teacher.hx_get(f"/institution/sessions/{session.id}/qr").get_data(as_text=True)
    digits = presence.numeric_code(session.id, now=T0)
    assert f'data-checkin-code="{digits}"' in block and f"{digits[:3]} {digits[3:]}" in block
    # Fetched again when the next window starts (10 s on), so the digits are current.
    assert 'hx-trigger="load delay:10s, every 30s"' in block
    url = CHECKIN_URL.search(block).group(1)
    assert attendance.session_id_from_token(url.rsplit("/", 1)[1], now=T0 + 20) == session.id


def test_AP_P1_numeric_code_fallback_checks_in(world, client_for):
    session = make_class_session(world.programme, title="钳工实训")
    phone = client_for(world.trainee)
    home = phone.get("/m/").get_data(as_text=True)
    # The form sits on the trainee's home; one open session travels as a hidden field.
    assert 'action="/m/code"' in home and "扫不了二维码？输入签到码" in home
    assert f'name="session_id" value="{session.id}"' in home and 'inputmode="numeric"' in home
    assert "签到码" in phone.get(f"/m/sessions/{session.id}").get_data(as_text=True)

    code = presence.numeric_code(session.id)
    response = _code_post(phone, session.id, f"{code[:3]} {code[3:]}")
    assert response.status_code == 200 and "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert "已签到" in page and "签到时间" in page and "钳工实训" in page
    assert _row(world.enrolment.id).session_id == session.id
    # Checked in: the home page no longer offers the form for it.
    assert 'action="/m/code"' not in phone.get("/m/").get_data(as_text=True)


def test_AP_P1_a_wrong_code_is_refused_on_the_form(world, client_for):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    right = presence.numeric_code(session.id)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = _code_post(phone, session.id, wrong)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and presence.CODE_WRONG in page
    assert 'aria-invalid="true"' in page and 'action="/m/code"' in page
    assert "签到码为6位数字" in _code_post(phone, session.id, "12ab").get_data(as_text=True)
    assert check_in_rows() == 0


def test_AP_P1_numeric_code_brute_force_limited(world, client_for, app):
    app.config["CHECKIN_CODE_LIMIT"] = "3 per minute"
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    right = presence.numeric_code(session.id)
    wrong = [f"{(int(right) + n) % 1_000_000:06d}" for n in (1, 2, 3)]
    assert _code_post(phone, session.id, "abc").status_code == 200  # a typo of shape: free
    for guess in wrong:
        assert presence.CODE_WRONG in _code_post(phone, session.id, guess).get_data(as_text=True)
    # The fourth try is refused before it is looked at, even with the right code.
    response = _code_post(phone, session.id, right)
    assert response.status_code == 429
    assert "签到码输入错误次数过多" in response.get_data(as_text=True)
    assert check_in_rows() == 0
    # The QR code still works: the limit is on guessing, not on attending.
    assert phone.post(token_path(session.id)).status_code == 200 and check_in_rows() == 1


def test_AP_P1_numeric_code_brute_force_limited_per_session(world, client_for, app):
    app.config["CHECKIN_CODE_SESSION_LIMIT"] = "2 per minute"
    session = make_class_session(world.programme)
    right = presence.numeric_code(session.id)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    # Two accounts of the class guess together, one try each.
    for enrolment in (make_enrolment(programme=world.programme),
                      make_enrolment(programme=world.programme)):
        _code_post(client_for(trainee_of(enrolment)), session.id, wrong)
    response = _code_post(client_for(world.trainee), session.id, right)
    assert response.status_code == 429 and check_in_rows() == 0
    # Another session's code is not held up by this one's guesses.
    other = make_class_session(world.programme)
    ok = _code_post(client_for(world.trainee), other.id, presence.numeric_code(other.id))
    assert ok.status_code == 200 and check_in_rows(other.id) == 1


def test_AP_P1_checkin_for_a_session_of_another_programme_refused(world, client_for):
    foreign = make_class_session(make_programme(state=ReviewState.APPROVED))
    phone = client_for(world.trainee)
    # With the other class's QR code (someone sent it) ...
    for response in (phone.get(token_path(foreign.id)), phone.post(token_path(foreign.id))):
        assert response.status_code == 403
        assert "您不是本课堂所属培训项目的在训学员" in response.get_data(as_text=True)
    # ... or its digits: that session is not the trainee's to choose.
    assert _code_post(phone, foreign.id, presence.numeric_code(foreign.id)).status_code == 404
    assert check_in_rows() == 0


# --- the grant of the scan page -----------------------------------------------------------


def test_AP_P1_grant_lets_a_late_tap_through(world, client_for, clock):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    path = token_path(session.id, now=T0)
    clock(T0 + 45)  # opened at 45 s: the code is still good
    page = phone.get(path).get_data(as_text=True)
    grant = GRANT.search(page).group(1)
    clock(T0 + 64)  # tapped at 64 s: the code alone is too old ...
    without = phone.post(path)
    assert without.status_code == 400 and attendance.TOKEN_EXPIRED in without.get_data(as_text=True)
    with_grant = phone.post(path, data={"grant": grant})  # ... the grant carries it
    assert with_grant.status_code == 200 and "已签到" in with_grant.get_data(as_text=True)
    assert _row(world.enrolment.id).session_id == session.id


def test_AP_P1_grant_is_short_lived(world, client_for, clock):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    path = token_path(session.id, now=T0)
    clock(T0 + 10)
    grant = GRANT.search(phone.get(path).get_data(as_text=True)).group(1)
    clock(T0 + 10 + presence.GRANT_SECONDS + 1)
    response = phone.post(path, data={"grant": grant})
    assert response.status_code == 400 and attendance.TOKEN_EXPIRED in response.get_data(as_text=True)
    assert check_in_rows() == 0


def test_AP_P1_forwarded_token_expires(world, client_for, clock):
    session = make_class_session(world.programme)
    path = token_path(session.id, now=T0)
    # A photo of the screen reaches a classmate at home 61 s later: no page, no grant.
    friend = client_for(trainee_of(make_enrolment(programme=world.programme)))
    clock(T0 + attendance.TOKEN_MAX_AGE + 1)
    opened = friend.get(path)
    assert opened.status_code == 400 and attendance.TOKEN_EXPIRED in opened.get_data(as_text=True)
    assert "grant" not in opened.get_data(as_text=True)
    assert friend.post(path).status_code == 400
    # The grant never makes the code itself live longer.
    with pytest.raises(attendance.TokenRefused):
        attendance.session_id_from_token(path.rsplit("/", 1)[1])
    assert check_in_rows() == 0


def test_AP_P1_replayed_grant_refused(world, client_for, clock):
    session = make_class_session(world.programme)
    other_session = make_class_session(world.programme)
    path = token_path(session.id, now=T0)
    clock(T0 + 10)
    grant = GRANT.search(client_for(world.trainee).get(path).get_data(as_text=True)).group(1)
    clock(T0 + 70)
    # Sent to a classmate: bound to the user who opened the page.
    friend = client_for(trainee_of(make_enrolment(programme=world.programme)))
    response = friend.post(path, data={"grant": grant})
    assert response.status_code == 400 and presence.GRANT_REFUSED in response.get_data(as_text=True)
    # Used with another session's old code: bound to the session too.
    owner = client_for(world.trainee)
    other_path = token_path(other_session.id, now=T0)
    assert owner.post(other_path, data={"grant": grant}).status_code == 400
    # Altered: not this server's signature.
    assert owner.post(path, data={"grant": grant[:-3] + "AAA"}).status_code == 400
    assert check_in_rows() == 0


# --- one phone, one trainee per session ---------------------------------------------------


def test_AP_P1_same_device_second_account_flagged(world, client_for, client):
    session = make_class_session(world.programme)
    second = make_enrolment(programme=world.programme)
    third = make_enrolment(programme=world.programme)
    # One phone (one cookie jar): the trainee checks in, logs out, a classmate logs in.
    for enrolment in (world.enrolment, second):
        client.post("/login", data={"username": trainee_of(enrolment).username,
                                    "password": PASSWORD})
        client.get(token_path(session.id))
        assert client.post(token_path(session.id)).status_code == 200  # accepted
        client.post("/logout")
    client_for(trainee_of(third)).post(token_path(session.id))  # their own phone

    first_row, second_row, third_row = (_row(e.id) for e in (world.enrolment, second, third))
    assert first_row.device_id == second_row.device_id != third_row.device_id
    assert (first_row.device_flag, second_row.device_flag, third_row.device_flag) == (
        None, DeviceFlag.SHARED, None)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "check_in",
                                                        AuditLog.object_id == second_row.id))
    assert "同一设备" in entry.comment

    html = _live_list(client_for, world, session.id)
    assert f"同一设备（与{_name(world.enrolment)}）" in html and "需核实 1 人" in html
    assert html.count("flag-device") == 1


def test_AP_P1_the_device_cookie_is_signed_http_only_and_for_the_phone_pages(world, client_for):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    header = phone.get(token_path(session.id)).headers["Set-Cookie"]
    assert header.startswith(f"{presence.DEVICE_COOKIE}=") and "HttpOnly" in header
    assert "Path=/m" in header and "SameSite=Lax" in header and "Max-Age=34560000" in header
    value = header.split(";", 1)[0].split("=", 1)[1]
    assert presence.read_device(value).id and not presence.read_device(value).forged


def test_AP_P1_forged_device_cookie_is_a_new_phone_and_flagged(world, client_for):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    phone.get(token_path(session.id))
    genuine = phone.get_cookie(presence.DEVICE_COOKIE, path="/m").value
    # Someone edits the cookie (to look like a fresh phone, or like another one).
    phone.set_cookie(presence.DEVICE_COOKIE, genuine[:-4] + "AAAA", path="/m")
    response = phone.post(token_path(session.id))
    assert response.status_code == 200 and "已签到" in response.get_data(as_text=True)  # not refused
    row = _row(world.enrolment.id)
    assert row.device_flag == DeviceFlag.FORGED
    assert row.device_id != presence.read_device(genuine).id
    # The phone gets a genuine cookie again, with this check-in in it.
    renewed = presence.read_device(phone.get_cookie(presence.DEVICE_COOKIE, path="/m").value)
    assert not renewed.forged and renewed.recent == ((session.id, world.trainee.id),)
    assert "设备标识异常" in _live_list(client_for, world, session.id)


# --- the optional location check -----------------------------------------------------------


def _located_session(world, radius_m: int = 100) -> ClassSession:
    return make_class_session(world.programme, radius_m=radius_m, centre_latitude=SCHOOL[0],
                              centre_longitude=SCHOOL[1])


def test_AP_P1_location_outside_radius_flagged_not_refused(world, client_for):
    session = _located_session(world)
    near = make_enrolment(programme=world.programme)
    silent = make_enrolment(programme=world.programme)
    forged = make_enrolment(programme=world.programme)
    page = client_for(world.trainee).get(token_path(session.id)).get_data(as_text=True)
    assert 'data-geolocate="page"' in page and "js/location.js" in page

    posts = {
        world.enrolment.id: {"latitude": ONE_KM_NORTH[0], "longitude": ONE_KM_NORTH[1],
                             "accuracy": "25.4"},
        near.id: {"latitude": SCHOOL[0] + 0.0003, "longitude": SCHOOL[1], "accuracy": "12"},
        silent.id: {},  # no permission, no JavaScript
        forged.id: {"latitude": "999", "longitude": "abc"},
    }
    for enrolment_id, data in posts.items():
        phone = client_for(trainee_of(db.session.get(type(world.enrolment), enrolment_id)))
        response = phone.post(token_path(session.id), data=data)
        assert response.status_code == 200 and "已签到" in response.get_data(as_text=True)

    outside, inside, missing, nonsense = (_row(i) for i in posts)
    assert outside.location_flag == LocationProblem.OUTSIDE
    assert 990 <= outside.distance_m <= 1010 and outside.accuracy_m == 25
    assert (outside.latitude, outside.longitude) == ONE_KM_NORTH
    assert inside.location_flag is None and 30 <= inside.distance_m <= 37
    assert missing.location_flag == nonsense.location_flag == LocationProblem.MISSING
    assert nonsense.latitude is None and nonsense.distance_m is None

    html = _live_list(client_for, world, session.id)
    assert f"超出签到范围 {outside.distance_m} 米" in html
    assert html.count("未提供位置") == 2 and "需核实 3 人" in html


def test_AP_P1_no_location_is_kept_for_a_session_that_does_not_check_it(world, client_for):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    assert "data-geolocate" not in phone.get(token_path(session.id)).get_data(as_text=True)
    phone.post(token_path(session.id), data={"latitude": SCHOOL[0], "longitude": SCHOOL[1]})
    row = _row(world.enrolment.id)
    assert (row.latitude, row.location_flag, row.distance_m) == (None, None, None)


def test_AP_P1_teacher_turns_the_location_check_on_and_off(world, client_for):
    session = make_class_session(world.programme)
    teacher = client_for(world.institution_user)
    url = f"/institution/sessions/{session.id}"
    page = teacher.get(url).get_data(as_text=True)
    assert 'data-geolocate="submit"' in page and 'value="100"' in page  # the parameter

    # Without the browser's position (no permission, no JavaScript): said, not switched on.
    refused = teacher.post(f"{url}/location", data={"radius_m": "150"})
    assert presence.NO_POSITION in refused.get_data(as_text=True)
    db.session.refresh(session)
    assert session.radius_m is None

    assert "须为10–10000米" in teacher.post(f"{url}/location", data={
        "radius_m": "5", "latitude": SCHOOL[0], "longitude": SCHOOL[1]}).get_data(as_text=True)

    on = teacher.post(f"{url}/location", data={"radius_m": "150", "latitude": SCHOOL[0],
                                               "longitude": SCHOOL[1], "accuracy": "20"})
    assert on.status_code == 302
    db.session.refresh(session)
    assert (session.radius_m, session.centre_latitude, session.centre_longitude) == (150, *SCHOOL)
    assert "已开启：签到范围为本机开启时位置周围 150 米" in teacher.get(url).get_data(as_text=True)

    # The partner enterprise sees the session but does not run it.
    boss = client_for(world.enterprise_user)
    assert boss.post(f"{url.replace('institution', 'enterprise')}/location/off").status_code == 403

    assert teacher.post(f"{url}/location/off").status_code == 302
    db.session.refresh(session)
    assert session.radius_m is None and session.centre_latitude is None
    actions = db.session.scalars(sa.select(AuditLog.comment).where(
        AuditLog.object_type == "class_session", AuditLog.action == "location_check")).all()
    assert actions == ["开启位置核验，半径 150 米", "关闭位置核验"]


# --- the answer and its cost ---------------------------------------------------------------


def test_AP_P1_checkin_answers_without_redirect(world, client_for, count_queries):
    session = make_class_session(world.programme, title="电工基础")
    phone = client_for(world.trainee)
    page = phone.get(token_path(session.id)).get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert 'hx-post="' in page and 'hx-target="#checkin"' in page and "data-swap-refusals" in page

    with count_queries() as statements:
        # The htmx tap of the scan page: the confirmation block itself, in one round trip.
        response = phone.open(token_path(session.id), method="POST",
                              headers={"X-CSRFToken": token, "HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Location" not in response.headers
    assert "<html" not in body and 'id="checkin"' in body and "已签到" in body and "电工基础" in body
    # No database read for the grant, the device or the flags: user (with its login
    # session), class session, enrolment, the audit chain's head (C-AUD), the two inserts
    # (check-in, audit) and nothing more.
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 4, reads
    assert not any("FROM check_in" in s for s in reads)
    assert check_in_rows(session.id) == 1

    # Without JavaScript the same POST answers the whole page.
    again = phone.post(token_path(session.id))
    assert again.status_code == 200 and "<html" in again.get_data(as_text=True)


def test_AP_P1_an_old_code_of_a_session_already_checked_in_to_shows_the_check_in(
        world, client_for, clock):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    path = token_path(session.id, now=T0)
    clock(T0 + 5)
    phone.post(path)
    clock(T0 + 600)  # the phone reloads the confirmation ten minutes later
    for response in (phone.get(path), phone.post(path)):
        assert response.status_code == 200 and "已签到" in response.get_data(as_text=True)
    assert check_in_rows() == 1


# --- the projector --------------------------------------------------------------------------


def test_AP_P1_projector_survives_expired_login(world, client_for):
    session = make_class_session(world.programme)
    teacher = client_for(world.institution_user)
    page_url = f"/institution/sessions/{session.id}"
    assert teacher.get(page_url).status_code == 200
    with teacher.session_transaction() as cookie:
        cookie["login_at"] = time.time() - timedelta(hours=13).total_seconds()  # past 12 h

    for block in ("attendees", "qr"):
        response = teacher.get(f"{page_url}/{block}", headers={
            "HX-Request": "true", "HX-Current-URL": f"http://localhost{page_url}"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200  # swapped in place, not followed to the login page
        assert "请重新登录" in html and 'role="alert"' in html
        assert "<html" not in html and 'name="password"' not in html
        assert "hx-trigger" not in html  # the box stops the polling
        assert f'href="/login?next={page_url}"' in html  # back to the page on the projector
    # A normal request still goes to the login page.
    response = teacher.get(page_url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_AP_P1_an_htmx_request_from_elsewhere_gets_a_plain_login_link(world, client):
    session = make_class_session(world.programme)
    response = client.get(f"/institution/sessions/{session.id}/attendees", headers={
        "HX-Request": "true", "HX-Current-URL": "https://evil.example/phish"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "请重新登录" in html
    assert 'href="/login"' in html and "evil" not in html


def test_AP_P1_late_check_in_keeps_its_flag_beside_the_location(world, client_for):
    session = _located_session(world)
    session.starts_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    client_for(world.trainee).post(token_path(session.id))
    html = _live_list(client_for, world, session.id)
    assert "迟到" in html and "未提供位置" in html
