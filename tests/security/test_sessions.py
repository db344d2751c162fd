"""Sessions that can be ended (issue 15 item 1): a copied cookie stops working after logout,
after a password change elsewhere and when the centre ends the user's sessions; a user sees
and ends their own sessions; an idle session ends on the server too."""

from datetime import timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import LoginSession, Role
from portal.models.base import utcnow
from tests.factories import PASSWORD, log_in, make_user
from tests.programme_factories import approved_enterprise_user

HOME = "/enterprise/"


def _copy_cookie(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_copied_cookie_stops_working_after_logout(app, client):
    user = approved_enterprise_user()
    log_in(client, user)
    thief = _copy_cookie(app, client)
    assert thief.get(HOME).status_code == 200
    client.post("/logout")
    assert thief.get(HOME).status_code == 302  # to the login page
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == user.id))
    assert row.ended_at is not None and row.ended_reason == "logout"


def test_password_change_ends_every_other_session(app, client):
    user = approved_enterprise_user()
    other = app.test_client()
    log_in(other, user)
    log_in(client, user)
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": "Jinggong-2026x", "confirm": "Jinggong-2026x"})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200  # this browser stays signed in
    assert other.get(HOME).status_code == 302


def test_centre_ends_all_sessions_of_a_user(app, client):
    user = approved_enterprise_user()
    phone = app.test_client()
    log_in(phone, user)
    centre = make_user(Role.CENTER)
    log_in(client, centre)
    listing = client.get(f"/center/accounts?q={user.username}")
    assert user.username in listing.text and "结束全部登录" in listing.text
    client.post(f"/center/accounts/{user.id}/end-sessions")
    assert phone.get(HOME).status_code == 302
    from portal.models import AuditLog
    assert db.session.scalar(sa.select(AuditLog.id).where(
        AuditLog.action == "end_sessions", AuditLog.object_id == user.id))


def test_only_the_centre_ends_other_users_sessions(app, client):
    user = approved_enterprise_user()
    log_in(client, user)
    assert client.post(f"/center/accounts/{user.id}/end-sessions").status_code == 403


def test_user_sees_and_ends_own_sessions(app, client):
    user = approved_enterprise_user()
    phone = app.test_client()
    phone.get("/login", headers={"User-Agent": "Mozilla/5.0 (iPhone) MicroMessenger"})
    phone.post("/login", data={"username": user.username, "password": PASSWORD},
               headers={"User-Agent": "Mozilla/5.0 (iPhone) MicroMessenger"})
    log_in(client, user)
    page = client.get("/account/sessions").text
    assert "iPhone · 微信" in page and "本设备" in page
    phone_row = db.session.scalar(sa.select(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.user_agent.contains("iPhone")))
    client.post(f"/account/sessions/{phone_row.id}/end")
    assert phone.get(HOME).status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_user_cannot_end_someone_elses_session(app, client):
    victim = approved_enterprise_user()
    other = app.test_client()
    log_in(other, victim)
    log_in(client, approved_enterprise_user())
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == victim.id))
    client.post(f"/account/sessions/{row.id}/end")
    assert other.get(HOME).status_code == 200


def test_idle_session_ends_on_the_server(app, client):
    user = approved_enterprise_user()
    log_in(client, user)
    thief = _copy_cookie(app, client)
    idle = app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
    db.session.execute(sa.update(LoginSession).values(last_seen_at=utcnow() - idle))
    db.session.commit()
    assert thief.get(HOME).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(LoginSession.ended_reason)) == "idle"


def test_trainee_password_reset_ends_the_trainees_sessions(app, client):
    """An enterprise resets a trainee's password (a lost phone): whoever is signed in as the
    trainee is signed out, and cannot set a password without the new one-time password."""
    from portal.apprenticeship.enrolment.trainee_accounts import reset_initial_password
    from tests.enrolment_factories import make_enrolment, programme_parties, trainee_of

    enrolment = make_enrolment()
    trainee = trainee_of(enrolment)
    phone = app.test_client()
    log_in(phone, trainee)
    assert phone.get("/m/").status_code == 200
    from portal.models import Programme

    owner, _school = programme_parties(db.session.get(Programme, enrolment.programme_id))
    reset_initial_password(owner, enrolment)
    db.session.commit()
    assert phone.get("/m/").status_code == 302
    taken = phone.post("/account/password", data={"password": "Taken-over-2026",
                                                  "confirm": "Taken-over-2026"})
    assert taken.status_code == 302 and "/login" in taken.headers["Location"]


def test_C_AUD_failed_login_and_logout_are_audited_with_the_address(app, client):
    from portal.models import AuditLog

    user = approved_enterprise_user()
    client.post("/login", data={"username": user.username, "password": "wrong-password"})
    log_in(client, user)
    client.post("/logout")
    actions = db.session.execute(sa.select(AuditLog.action, AuditLog.comment).where(
        AuditLog.object_type == "user", AuditLog.object_id == user.id)
        .order_by(AuditLog.id)).all()
    assert [a for a, _c in actions] == ["login_failed", "login", "logout"]
    assert all(c.startswith("IP 127.0.0.1") for _a, c in actions)
