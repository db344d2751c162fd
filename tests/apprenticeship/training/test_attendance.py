"""Class sessions, the rotating check-in code and the trainee's check-in (AP-P4 input).

Through the Flask test client over the real migrated database. Time is moved by signing
codes with an explicit `now`, or by replacing `services.attendance._clock`.
"""

import re
import time
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from portal import clock
from portal.apprenticeship.training import attendance
from portal.extensions import db
from portal.models import (
    Apprentice,
    AuditLog,
    CheckIn,
    ClassSession,
    EnrolmentState,
    ReviewState,
    Role,
)
from portal.models.base import utcnow
from tests.enrolment_factories import (
    make_class_session,
    make_enrolment,
    programme_parties,
    trainee_of,
)
from tests.factories import PASSWORD, make_org, make_user
from tests.programme_factories import make_programme

CHECKIN_URL = re.compile(r'data-checkin-url="([^"]+)"')


def token_path(session_id: int, now: float | None = None) -> str:
    return f"/m/checkin/{attendance.checkin_token(session_id, now=now)}"


def check_in_rows(session_id: int | None = None) -> int:
    q = sa.select(sa.func.count()).select_from(CheckIn)
    if session_id is not None:
        q = q.where(CheckIn.session_id == session_id)
    db.session.rollback()  # read what the requests committed
    return db.session.scalar(q)


def audit_rows() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))


# --- opening and closing a session ----------------------------------------------------------


def test_institution_opens_a_session_and_the_screen_shows_a_qr_code_of_the_checkin_url(
        world, client_for):
    teacher = client_for(world.institution_user)
    assert world.programme.id and "开设课堂" in teacher.get("/institution/sessions").get_data(as_text=True)
    form = teacher.get(f"/institution/sessions/new?programme_id={world.programme.id}")
    assert f'<option selected value="{world.programme.id}">' in form.get_data(as_text=True)

    response = teacher.post("/institution/sessions/new", data={
        "programme_id": world.programme.id, "title": "车工工艺 第1讲",
        "starts_at": "2026-11-23T09:00", "late_after_minutes": "15"})
    assert response.status_code == 302
    session = db.session.scalar(sa.select(ClassSession))
    assert response.headers["Location"] == f"/institution/sessions/{session.id}"
    # Typed in Beijing time, kept as UTC like every other timestamp.
    assert session.starts_at == clock.beijing_to_utc(
        datetime(2026, 11, 23, 9, 0))
    assert session.starts_at.hour == 1
    assert (session.org_id, session.opened_by_id) == (world.programme.institution_id,
                                                      world.institution_user.id)
    assert db.session.scalar(sa.select(AuditLog.action).where(
        AuditLog.object_type == "class_session", AuditLog.object_id == session.id)) == "open"

    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "车工工艺 第1讲" in page and "2026-11-23 09:00" in page
    assert 'src="data:image/svg+xml' in page
    url = CHECKIN_URL.search(page).group(1)
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc  # absolute, for a phone's camera
    token = parts.path.removeprefix("/m/checkin/")
    assert parts.path.startswith("/m/checkin/") and len(token) < 80
    assert attendance.session_id_from_token(token) == session.id
    assert re.search(r'hx-trigger="load delay:\d+s, every 30s"', page)
    assert 'hx-trigger="every 3s"' in page
    assert "已签到 <span class=\"count-n\">0</span> / 应到 <span class=\"count-m\">1</span>" in page


def test_enterprise_opens_and_closes_a_session_of_its_own_programme(world, client_for):
    boss = client_for(world.enterprise_user)
    response = boss.post("/enterprise/sessions/new", data={
        "programme_id": world.programme.id, "title": "岗位实训", "starts_at": "2026-11-23T14:00",
        "late_after_minutes": "10"})
    assert response.status_code == 302
    session = db.session.scalar(sa.select(ClassSession))
    assert session.org_id == world.programme.enterprise_id

    assert boss.post(f"/enterprise/sessions/{session.id}/close").status_code == 302
    db.session.refresh(session)
    assert session.closed_at is not None
    page = boss.get(f"/enterprise/sessions/{session.id}").get_data(as_text=True)
    assert "本次课堂已结束签到" in page and "data-checkin-url" not in page
    assert "every 3s" not in page and "every 30s" not in page  # polling stops
    # A second click changes nothing and says why.
    again = boss.post(f"/enterprise/sessions/{session.id}/close", follow_redirects=True)
    assert "本次课堂已结束签到" in again.get_data(as_text=True)
    closes = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "class_session", AuditLog.action == "close"))
    assert closes == 1


def test_the_partner_sees_the_session_but_only_the_opener_closes_it(world, client_for):
    session = make_class_session(world.programme)  # opened by the institution
    boss = client_for(world.enterprise_user)
    page = boss.get(f"/enterprise/sessions/{session.id}").get_data(as_text=True)
    assert session.title in page and "结束签到</button>" not in page
    boss.post(f"/enterprise/sessions/{session.id}/close")
    db.session.refresh(session)
    assert session.closed_at is None


def test_no_session_for_a_programme_not_yet_approved(db, client_for):
    programme = make_programme(state=ReviewState.SUBMITTED)
    _, teacher_user = programme_parties(programme)
    teacher = client_for(teacher_user)
    assert "暂无可开设课堂" in teacher.get("/institution/sessions/new").get_data(as_text=True)
    response = teacher.post("/institution/sessions/new", data={
        "programme_id": programme.id, "title": "第1讲", "starts_at": "2026-11-23T09:00",
        "late_after_minutes": "10"})
    assert "已通过审核" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassSession)) == 0


def test_C_DIST_a_session_of_another_organisation_is_not_found(world, client_for):
    session = make_class_session(world.programme)
    stranger = make_user(Role.INSTITUTION, org=make_org(state=ReviewState.APPROVED))
    other = client_for(stranger)
    assert other.get(f"/institution/sessions/{session.id}").status_code == 404
    assert other.get(f"/institution/sessions/{session.id}/attendees",
                     headers={"HX-Request": "true"}).status_code == 404
    assert other.post(f"/institution/sessions/{session.id}/close").status_code == 404


# --- the rotating code ----------------------------------------------------------------------


def test_code_rotates_every_window_and_is_accepted_for_at_most_a_minute(app):
    t = 1_800_000_000.0  # the start of a 30-second window
    first = attendance.checkin_token(7, now=t)
    same_window = attendance.checkin_token(7, now=t + 29)
    next_window = attendance.checkin_token(7, now=t + 30)
    assert len({first, same_window, next_window}) == 3
    assert attendance.session_id_from_token(first, now=t + 30) == 7  # the window of grace
    assert attendance.session_id_from_token(first, now=t + 60) == 7
    with pytest.raises(attendance.TokenRefused, match="二维码已过期，请重新扫描老师屏幕上的二维码"):
        attendance.session_id_from_token(first, now=t + 61)
    with pytest.raises(attendance.TokenRefused, match="二维码已过期"):
        attendance.session_id_from_token(first, now=t - 5)  # from the future: refused too
    assert attendance.session_id_from_token(next_window, now=t + 61) == 7


def test_the_screen_shows_a_new_code_each_window(world, client_for, monkeypatch):
    session = make_class_session(world.programme)
    teacher = client_for(world.institution_user)
    now = time.time()
    monkeypatch.setattr(attendance, "_clock", lambda: now)
    url = f"/institution/sessions/{session.id}/qr"
    first = CHECKIN_URL.search(teacher.hx_get(url).get_data(as_text=True)).group(1)
    monkeypatch.setattr(attendance, "_clock", lambda: now + 30)
    block = teacher.hx_get(url).get_data(as_text=True)
    second = CHECKIN_URL.search(block).group(1)
    assert first != second
    assert "<html" not in block and re.search(r'hx-trigger="load delay:\d+s, every 30s"', block)
    for url in (first, second):
        token = urlsplit(url).path.removeprefix("/m/checkin/")
        assert attendance.session_id_from_token(token, now=now + 30) == session.id


def test_an_expired_code_is_refused_clearly(world, client_for):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    stale = token_path(session.id, now=time.time() - 61)
    response = phone.get(stale)
    assert response.status_code == 400
    assert "二维码已过期，请重新扫描老师屏幕上的二维码" in response.get_data(as_text=True)
    assert ">签到</button>" not in response.get_data(as_text=True)
    response = phone.post(stale)
    assert response.status_code == 400 and "二维码已过期" in response.get_data(as_text=True)
    assert check_in_rows() == 0


@pytest.mark.parametrize("forge", ["tamper", "garbage", "other_secret", "other_salt"])
def test_a_forged_code_is_refused(world, client_for, forge):
    from itsdangerous import URLSafeTimedSerializer

    session = make_class_session(world.programme)
    good = attendance.checkin_token(session.id)
    token = {
        "tamper": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "garbage": "not-a-token",
        # Right shape, wrong key: a code made without the server's secret.
        "other_secret": URLSafeTimedSerializer("guessed", salt="checkin").dumps([session.id, 1]),
        "other_salt": URLSafeTimedSerializer("test-secret", salt="other").dumps([session.id, 1]),
    }[forge]
    phone = client_for(world.trainee)
    for response in (phone.get(f"/m/checkin/{token}"), phone.post(f"/m/checkin/{token}")):
        assert response.status_code == 400
        assert "二维码无效" in response.get_data(as_text=True)
    assert check_in_rows() == 0


def test_a_code_for_a_session_that_does_not_exist_is_invalid(world, client_for):
    phone = client_for(world.trainee)
    response = phone.get(token_path(999_999))
    assert response.status_code == 400 and "二维码无效" in response.get_data(as_text=True)


# --- checking in ------------------------------------------------------------------------------


def test_AP_P4_trainee_checks_in_with_one_tap_and_sees_the_time(world, client_for):
    session = make_class_session(world.programme, title="焊接实训")
    phone = client_for(world.trainee)
    path = token_path(session.id)
    page = phone.get(path).get_data(as_text=True)
    assert "焊接实训" in page and ">签到</button>" in page
    assert f'action="{path}"' in page

    response = phone.post(path)
    assert response.status_code == 200  # the answer itself: no redirect round trip (AP-P1)
    done = response.get_data(as_text=True)
    assert "已签到" in done and "准时" in done and "签到时间" in done
    row = db.session.scalar(sa.select(CheckIn))
    assert (row.session_id, row.enrolment_id, row.late) == (session.id, world.enrolment.id, False)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "check_in"))
    assert (entry.actor_id, entry.object_id, entry.to_state) == (world.trainee.id, row.id, "on_time")


def test_a_replayed_code_answers_checked_in_and_keeps_one_row(world, client_for):
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    path = token_path(session.id)
    first = phone.post(path)
    audits = audit_rows()
    second = phone.post(path)
    assert first.status_code == second.status_code == 200
    assert "已签到" in first.get_data(as_text=True) and "已签到" in second.get_data(as_text=True)
    assert check_in_rows(session.id) == 1
    assert audit_rows() == audits  # the refused duplicate left nothing behind
    again = phone.get(path).get_data(as_text=True)  # the scan page itself says so
    assert "已签到" in again and ">签到</button>" not in again


def test_the_enrolment_comes_from_the_login_never_from_the_request(world, client_for):
    other = make_enrolment(programme=world.programme)
    session = make_class_session(world.programme)
    phone = client_for(world.trainee)
    phone.post(token_path(session.id), data={"enrolment_id": other.id,
                                             "apprentice_id": other.apprentice_id})
    rows = db.session.scalars(sa.select(CheckIn.enrolment_id)).all()
    assert rows == [world.enrolment.id]


def test_a_trainee_of_another_programme_is_refused(world, client_for):
    session = make_class_session(world.programme)
    outsider = make_enrolment()  # active, in another approved programme
    phone = client_for(trainee_of(outsider))
    for response in (phone.get(token_path(session.id)), phone.post(token_path(session.id))):
        assert response.status_code == 403
        assert "您不是本课堂所属培训项目的在训学员" in response.get_data(as_text=True)
    assert check_in_rows() == 0
    # Their own pages do not show the session either.
    assert phone.get(f"/m/sessions/{session.id}").status_code == 404


@pytest.mark.parametrize("state", [EnrolmentState.SUSPENDED, EnrolmentState.WITHDRAWN,
                                   EnrolmentState.SUBMITTED])
def test_a_trainee_not_in_training_is_refused(world, client_for, state):
    session = make_class_session(world.programme)
    enrolment = make_enrolment(state=state, programme=world.programme)
    phone = client_for(trainee_of(enrolment))
    response = phone.post(token_path(session.id))
    assert response.status_code == 403 and "在训学员" in response.get_data(as_text=True)
    assert check_in_rows() == 0


def test_other_roles_cannot_check_in(world, client_for):
    session = make_class_session(world.programme)
    teacher = client_for(world.institution_user)
    assert teacher.post(token_path(session.id)).status_code == 403
    assert check_in_rows() == 0


def test_a_closed_session_refuses_check_in(world, client_for):
    session = make_class_session(world.programme, closed=True)
    phone = client_for(world.trainee)
    for response in (phone.get(token_path(session.id)), phone.post(token_path(session.id))):
        assert response.status_code == 409
        assert "本次课堂已结束签到" in response.get_data(as_text=True)
    assert check_in_rows() == 0


@pytest.mark.parametrize(("minutes_ago", "late"), [(9, False), (11, True), (-30, False)])
def test_late_after_the_start_plus_the_threshold(world, client_for, minutes_ago, late):
    session = make_class_session(world.programme, late_after_minutes=10,
                                 starts_at=utcnow() - timedelta(minutes=minutes_ago))
    phone = client_for(world.trainee)
    done = phone.post(token_path(session.id), follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(sa.select(CheckIn.late)) is late
    assert ("迟到" in done) is late


def test_is_late_boundary():
    start = utcnow()
    assert not attendance.is_late(start, 10, start + timedelta(minutes=10))
    assert attendance.is_late(start, 10, start + timedelta(minutes=10, seconds=1))
    assert attendance.is_late(start, 0, start + timedelta(seconds=1))


# --- from the camera to the button: login and first password keep the code ------------------


def test_a_scan_before_login_comes_back_to_the_code_after_login(world, client):
    session = make_class_session(world.programme)
    path = token_path(session.id)
    response = client.get(path)
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == "/login"
    assert client.get(login_url).status_code == 200
    response = client.post(login_url, data={"username": world.trainee.username,
                                            "password": PASSWORD})
    assert response.headers["Location"] == path
    assert ">签到</button>" in client.get(path).get_data(as_text=True)


def test_a_first_login_sets_a_password_and_comes_back_to_the_code(world, client):
    world.trainee.must_change_password = True
    db.session.commit()
    session = make_class_session(world.programme)
    path = token_path(session.id)
    login_url = client.get(path).headers["Location"]
    after_login = client.post(login_url, data={"username": world.trainee.username,
                                               "password": PASSWORD}).headers["Location"]
    assert after_login == path
    change = client.get(path).headers["Location"]
    assert urlsplit(change).path == "/account/password"
    assert client.get(change).status_code == 200
    response = client.post(change, data={"password": "New-pass-123", "confirm": "New-pass-123"})
    assert response.headers["Location"] == path
    response = client.post(path)
    assert response.status_code == 200 and check_in_rows() == 1


def test_the_password_page_ignores_a_foreign_next(world, client):
    world.trainee.must_change_password = True
    db.session.commit()
    client.post("/login", data={"username": world.trainee.username, "password": PASSWORD})
    response = client.post("/account/password?next=https://evil.example/",
                           data={"password": "New-pass-123", "confirm": "New-pass-123"})
    assert response.headers["Location"] == "/m/"


# --- the teacher's live list ------------------------------------------------------------------


def test_AP_P4_live_list_fragment_counts_checked_in_over_expected(world, client_for):
    session = make_class_session(world.programme, late_after_minutes=0,
                                 starts_at=utcnow() - timedelta(minutes=5))
    absent = make_enrolment(programme=world.programme)
    make_enrolment(state=EnrolmentState.SUSPENDED, programme=world.programme)  # not expected
    client_for(world.trainee).post(token_path(session.id))
    teacher = client_for(world.institution_user)
    block = teacher.hx_get(f"/institution/sessions/{session.id}/attendees")
    html = block.get_data(as_text=True)
    assert block.status_code == 200 and "<html" not in html
    assert 'id="attendees"' in html and 'hx-trigger="every 3s"' in html
    assert re.search(r"已签到\s*<span class=\"count-n\">1</span>\s*/\s*应到\s*"
                     r"<span class=\"count-m\">2</span>", html)
    apprentice = db.session.get(Apprentice, world.enrolment.apprentice_id)
    absentee = db.session.get(Apprentice, absent.apprentice_id)
    assert apprentice.name in html and "迟到" in html
    assert absentee.name not in html  # the list is of who checked in
    # Names only: no ID number or mobile reaches the projector.
    assert apprentice.resident_id not in html and apprentice.mobile not in html
    # Without htmx the same URL is the whole page.
    assert "<html" in teacher.get(f"/institution/sessions/{session.id}/attendees").get_data(
        as_text=True)


def test_polling_gets_write_nothing(world, client_for, count_queries):
    session = make_class_session(world.programme)
    client_for(world.trainee).post(token_path(session.id))
    teacher = client_for(world.institution_user)
    before = (check_in_rows(), audit_rows(),
              db.session.scalar(sa.select(sa.func.count()).select_from(ClassSession)))
    with count_queries() as statements:
        for _ in range(3):
            assert teacher.hx_get(f"/institution/sessions/{session.id}/attendees").status_code == 200
            assert teacher.hx_get(f"/institution/sessions/{session.id}/qr").status_code == 200
        assert teacher.get(f"/institution/sessions/{session.id}").status_code == 200
    writes = [s for s in statements
              if s.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    after = (check_in_rows(), audit_rows(),
             db.session.scalar(sa.select(sa.func.count()).select_from(ClassSession)))
    assert after == before


def test_the_live_list_costs_the_same_few_queries_for_one_or_many(world, client_for,
                                                                  count_queries):
    session = make_class_session(world.programme)
    teacher = client_for(world.institution_user)
    url = f"/institution/sessions/{session.id}/attendees"

    def cost():
        with count_queries() as statements:
            teacher.hx_get(url)
        return len(statements)

    client_for(world.trainee).post(token_path(session.id))
    one = cost()
    for _ in range(4):
        client_for(trainee_of(make_enrolment(programme=world.programme))).post(
            token_path(session.id))
    assert cost() == one <= 6
    assert check_in_rows(session.id) == 5


# --- the trainee's home ---------------------------------------------------------------------


def test_trainee_home_shows_todays_sessions_and_a_paginated_history(world, client_for, app):
    app.config["PAGE_SIZE"] = 2
    today_session = make_class_session(world.programme, title="今天的课")
    make_class_session(world.programme, title="未来的课", starts_at=utcnow() + timedelta(days=3))
    past = [make_class_session(world.programme, title=f"旧课{i}", closed=True,
                               starts_at=utcnow() - timedelta(days=i + 1)) for i in range(3)]
    make_class_session(world.programme, title="入学前的课", closed=True,
                       starts_at=utcnow() - timedelta(days=400))  # before established_on
    other_programme = make_class_session(make_programme(state=ReviewState.APPROVED),
                                         title="别人的课")
    phone = client_for(world.trainee)
    db.session.add(CheckIn(session_id=past[0].id, enrolment_id=world.enrolment.id,
                           checked_at=past[0].starts_at, late=True))
    db.session.commit()

    home = phone.get("/m/").get_data(as_text=True)
    today_part = home.split('id="history"')[0]
    assert "今天的课" in today_part and "未签到" in today_part
    assert "未来的课" not in today_part and "别人的课" not in home
    assert "入学前的课" not in home
    history = home.split('id="history"')[1]
    # Newest first, two a page: today's session (already started) and 旧课0 (late).
    assert history.index("今天的课") < history.index("旧课0") and "迟到" in history
    assert "第 1 / 2 页" in history  # 今天的课 and 旧课0..2; 入学前的课 is not theirs

    phone.post(token_path(today_session.id))
    assert "已签到" in phone.get("/m/").get_data(as_text=True).split('id="history"')[0]
    page2 = phone.hx_get("/m/?page=2").get_data(as_text=True)
    assert "<html" not in page2 and 'id="history"' in page2
    assert "旧课1" in page2 and "旧课2" in page2 and "旧课0" not in page2
    assert other_programme.title not in page2


def test_trainee_home_without_an_enrolment_still_works(db, client_for):
    phone = client_for(make_user(Role.TRAINEE))
    page = phone.get("/m/")
    assert page.status_code == 200 and "今天没有需要签到的课程" in page.get_data(as_text=True)


# --- AP-P4 input for the rates -------------------------------------------------------------


def test_AP_P4_attendance_counts_over_closed_sessions_in_one_query(world, count_queries):
    programme = world.programme
    s1 = make_class_session(programme, closed=True, starts_at=utcnow() - timedelta(days=2))
    s2 = make_class_session(programme, closed=True, starts_at=utcnow() - timedelta(days=1))
    make_class_session(programme)  # still open: not counted
    second = make_enrolment(programme=programme)
    late_joiner = make_enrolment(programme=programme,
                                 established_on=clock.beijing_day(s2.starts_at))
    make_enrolment(state=EnrolmentState.SUSPENDED, programme=programme)
    gone = make_enrolment(state=EnrolmentState.WITHDRAWN, programme=programme,
                          established_on=programme.start_date,
                          ended_on=clock.beijing_day(s1.starts_at))  # last day: s1
    for session, enrolment in ((s1, world.enrolment), (s2, world.enrolment), (s1, gone),
                               (s2, late_joiner)):
        db.session.add(CheckIn(session_id=session.id, enrolment_id=enrolment.id,
                               checked_at=session.starts_at))
    db.session.commit()
    assert second.id  # in training throughout, never checked in
    programme_id, empty_id = programme.id, make_programme(state=ReviewState.APPROVED).id

    with count_queries() as statements:
        counts = attendance.attendance_counts([programme_id, empty_id])
    assert len(statements) == 1
    # s1 expects world, second, gone (3); s2 expects world, second, late_joiner (3).
    assert counts == {programme_id: (4, 6), empty_id: (0, 0)}
    assert attendance.attendance_counts([]) == {}


def test_AP_P4_a_session_counts_on_its_beijing_day(world):
    # 23:30 UTC is 07:30 the next morning in Beijing.
    day = date(2026, 6, 2)
    start = clock.beijing_to_utc(datetime(2026, 6, 2, 7, 30))
    assert start.day == 1
    make_class_session(world.programme, closed=True, starts_at=start)
    make_enrolment(programme=world.programme, established_on=day)
    assert attendance.attendance_counts([world.programme.id])[world.programme.id] == (0, 2)
    assert attendance.expected_count(db.session.scalar(sa.select(ClassSession))) == 2
