"""HS-P4 sessions and the shared phone check-in: the host opens a session with its format and
hours and shows the rotating QR / 6-digit code; a listed trainee checks in through the same
scan and code pages as an apprentice (one per session), anyone else is refused."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.apprenticeship.training import attendance, presence
from portal.extensions import db
from portal.models import AuditLog, CheckIn, ClassSession, ProposalState, Role
from portal.models.base import utcnow
from tests.enrolment_factories import make_enrolment, trainee_of
from tests.factories import make_user
from tests.high_skill.factories_delivery import (
    make_host_user,
    make_hs_session,
    make_hs_trainee,
    make_project,
    user_of,
)

CHECKIN_URL = re.compile(r'data-checkin-url="([^"]+)"')


def token_path(session_id: int) -> str:
    return f"/m/checkin/{attendance.checkin_token(session_id)}"


def check_ins(session_id: int) -> list[CheckIn]:
    db.session.rollback()  # read what the requests committed
    return list(db.session.scalars(sa.select(CheckIn).where(CheckIn.session_id == session_id)))


def test_HS_P4_host_opens_a_session_with_format_and_hours_and_shows_the_code(hs, client_for):
    host = client_for(hs.host_user)
    page = host.get(f"/enterprise/hs/delivery/{hs.project.id}").get_data(as_text=True)
    assert "开设课堂" in page and hs.project.title in page
    response = host.post(f"/enterprise/hs/delivery/{hs.project.id}/sessions/new", data={
        "title": "五轴加工专题讲座", "hs_format": "keynote", "hs_hours": "4",
        "starts_at": "2026-11-23T09:00", "late_after_minutes": "15"})
    assert response.status_code == 302, response.get_data(as_text=True)
    session = db.session.scalar(sa.select(ClassSession))
    assert (session.hs_proposal_id, session.programme_id, session.org_id) == (
        hs.project.id, None, hs.project.host_id)
    assert (session.hs_format, session.hs_hours) == ("keynote", 4)
    assert response.headers["Location"] == f"/enterprise/hs/delivery/sessions/{session.id}"
    screen = host.get(response.headers["Location"]).get_data(as_text=True)
    url = CHECKIN_URL.search(screen).group(1)
    token = urlsplit(url).path.removeprefix("/m/checkin/")
    assert attendance.session_id_from_token(token) == session.id
    assert presence.numeric_code(session.id)[:3] in screen  # the 6-digit code beside it
    assert "专题讲座 · 4 学时" in screen
    assert "已签到 <span class=\"count-n\">0</span> / 应到 <span class=\"count-m\">2</span>" in screen


def test_HS_P4_session_refused_for_a_project_not_filed_or_not_the_hosts(hs, client_for):
    approved = make_project(hs.host_user, state=ProposalState.APPROVED)
    host = client_for(hs.host_user)
    data = {"title": "课", "hs_format": "onsite", "hs_hours": "4",
            "starts_at": "2026-11-23T09:00", "late_after_minutes": "10"}
    assert host.post(f"/enterprise/hs/delivery/{approved.id}/sessions/new",
                     data=data).status_code == 403  # its own, but not in delivery
    other = client_for(make_host_user())
    assert other.post(f"/enterprise/hs/delivery/{hs.project.id}/sessions/new",
                      data=data).status_code == 404
    bad_format = dict(data, hs_format="party")
    page = host.post(f"/enterprise/hs/delivery/{hs.project.id}/sessions/new", data=bad_format)
    assert page.status_code == 200 and db.session.scalar(
        sa.select(sa.func.count()).select_from(ClassSession)) == 0


def test_HS_listed_trainee_checks_in_by_scan_once_under_a_double_tap(hs, client_for):
    session = make_hs_session(hs.project)
    trainee = hs.trainees[0]
    phone = client_for(user_of(trainee))
    path = token_path(session.id)
    scan = phone.get(path)
    assert scan.status_code == 200 and session.title in scan.get_data(as_text=True)
    first = phone.post(path, htmx=True)
    second = phone.post(path, htmx=True)  # the double tap
    assert first.status_code == second.status_code == 200
    assert "已签到" in first.get_data(as_text=True) and "已签到" in second.get_data(as_text=True)
    rows = check_ins(session.id)
    assert [(r.hs_trainee_id, r.enrolment_id) for r in rows] == [(trainee.id, None)]
    assert rows[0].device_id and rows[0].late is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "check_in", AuditLog.object_id == rows[0].id)) == 1
    # The host's live list names them; the phone's session page says 已签到.
    host = client_for(hs.host_user)
    block = host.hx_get(f"/enterprise/hs/delivery/sessions/{session.id}/attendees")
    text = block.get_data(as_text=True)
    assert "<html" not in text and trainee.name in text
    assert "已签到 <span class=\"count-n\">1</span> / 应到 <span class=\"count-m\">2</span>" in text
    assert "已签到" in phone.get(f"/m/sessions/{session.id}").get_data(as_text=True)


def test_HS_listed_trainee_checks_in_with_the_typed_code_and_late_is_flagged(hs, client_for):
    session = make_hs_session(hs.project, starts_at=utcnow() - timedelta(minutes=30))
    phone = client_for(user_of(hs.trainees[1]))
    home = phone.get("/m/").get_data(as_text=True)
    assert session.title in home and "签到码" in home  # today's HS session offers the code
    response = phone.post("/m/code", data={"session_id": session.id,
                                           "code": presence.numeric_code(session.id)})
    assert response.status_code == 200 and "已签到" in response.get_data(as_text=True)
    [row] = check_ins(session.id)
    assert row.hs_trainee_id == hs.trainees[1].id and row.late is True


def test_HS_trainee_not_on_the_list_is_refused(hs, client_for):
    session = make_hs_session(hs.project)
    stranger = client_for(make_user(Role.TRAINEE))
    refused = stranger.post(token_path(session.id))
    assert refused.status_code == 403
    assert attendance.NOT_LISTED in refused.get_data(as_text=True)
    # Taken off the list by a filed change (HS-W5): refused too.
    removed = make_hs_trainee(hs.project, removed_at=utcnow())
    phone = client_for(user_of(removed))
    assert phone.get(token_path(session.id)).status_code == 403
    # An apprentice of some programme is no trainee of this project either.
    apprentice = client_for(trainee_of(make_enrolment()))
    assert apprentice.post(token_path(session.id)).status_code == 403
    assert check_ins(session.id) == []
    # The typed code cannot reach a session the trainee does not see.
    response = stranger.post("/m/code", data={"session_id": session.id,
                                              "code": presence.numeric_code(session.id)})
    assert response.status_code == 404 and check_ins(session.id) == []


def test_HS_expected_count_leaves_out_trainees_removed_before_the_session(hs, client_for):
    make_hs_trainee(hs.project, removed_at=utcnow() - timedelta(days=1))
    session = make_hs_session(hs.project)
    assert attendance.expected_count(session) == 2


def test_HS_host_role_user_closes_its_session_once(db, client_for):
    host_user = make_host_user(Role.HOST)
    project = make_project(host_user)
    session = make_hs_session(project)
    host = client_for(host_user)
    page = host.get(f"/host/hs/delivery/sessions/{session.id}").get_data(as_text=True)
    assert "结束签到" in page and "data-checkin-url" in page
    assert host.post(f"/host/hs/delivery/sessions/{session.id}/close").status_code == 302
    again = host.post(f"/host/hs/delivery/sessions/{session.id}/close", follow_redirects=True)
    assert "本次课堂已结束签到" in again.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(ClassSession, session.id).closed_at is not None


def test_HS_sessions_stay_out_of_the_apprenticeship_session_list(hs, client_for):
    session = make_hs_session(hs.project)
    host = client_for(hs.host_user)
    assert session.title not in host.get("/enterprise/sessions").get_data(as_text=True)
    assert host.get(f"/enterprise/sessions/{session.id}").status_code == 404


def test_HS_trainee_home_shows_the_project_and_todays_session(hs, client_for):
    session = make_hs_session(hs.project)
    phone = client_for(user_of(hs.trainees[0]))
    page = phone.get("/m/").get_data(as_text=True)
    assert "我的研修项目" in page and hs.project.title in page and "工作总结未提交" in page
    assert session.title in page and f"/m/sessions/{session.id}" in page


def test_HS_centre_reads_the_session_list_without_the_code(hs, client_for):
    session = make_hs_session(hs.project)
    centre = client_for(make_user(Role.CENTER))
    page = centre.get(f"/center/hs/delivery/sessions/{session.id}").get_data(as_text=True)
    assert session.title in page and "data-checkin-url" not in page and "结束签到" not in page
