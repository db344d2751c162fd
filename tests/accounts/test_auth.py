"""Login, logout, throttling, session hardening."""

import pytest

from portal.models import AuditLog, OrgKind, Role
from tests.factories import PASSWORD, make_org_user, make_user


def test_login_with_right_password_goes_to_role_home(client):
    user = make_user(Role.DISTRICT, district="110105")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/district/")
    assert "朝阳区" in client.get("/district/").get_data(as_text=True)


def test_login_with_wrong_password_shows_chinese_error_and_stays_anonymous(client):
    user = make_user(Role.CENTER)
    response = client.post("/login", data={"username": user.username, "password": "wrong-pass"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/center/").status_code == 302


def test_unknown_user_gets_the_same_message(client):
    response = client.post("/login", data={"username": "nobody", "password": "whatever1"})
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_login_is_throttled_after_repeated_failures(client):
    user = make_user(Role.CENTER)
    for _ in range(5):
        assert client.post("/login", data={"username": user.username,
                                           "password": "wrong-pass"}).status_code == 200
    blocked = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "过多" in blocked.get_data(as_text=True)


def test_successful_logins_do_not_count_towards_the_throttle(client):
    user = make_user(Role.CENTER)
    for _ in range(7):
        assert client.post("/login", data={"username": user.username,
                                           "password": PASSWORD}).status_code == 302
        client.post("/logout")


def test_logout_requires_post_and_ends_the_session(client, login):
    login(make_user(Role.CENTER))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/center/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_login_next_only_follows_same_site_paths(client, target):
    user = make_user(Role.CENTER)
    response = client.post(f"/login?next={target}", data={"username": user.username,
                                                          "password": PASSWORD})
    assert response.headers["Location"].endswith("/center/")


def test_login_next_returns_to_the_requested_page(client):
    user = make_user(Role.CENTER)
    redirect = client.get("/center/organisations").headers["Location"]
    assert "next=" in redirect
    response = client.post(redirect, data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"].endswith("/center/organisations")


def test_session_expires_after_absolute_lifetime(client, login):
    login(make_user(Role.CENTER))
    with client.session_transaction() as session:
        session["login_at"] -= 13 * 3600
    assert client.get("/center/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client):
    user = make_user(Role.CENTER)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_passwords_are_stored_as_argon2id_hashes(db):
    user = make_user(Role.CENTER)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_first_login_must_set_own_password(client, login, db):
    user = make_user(Role.TRAINEE, must_change_password=True)
    login(user)
    assert client.get("/m/").headers["Location"].endswith("/account/password")
    response = client.post("/account/password", data={"password": "New-pass-123",
                                                      "confirm": "New-pass-123"})
    assert response.status_code == 302
    assert client.get("/m/").status_code == 200


def test_C_AUD_login_is_recorded(client, db):
    user = make_org_user(OrgKind.ENTERPRISE)
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    actions = db.session.scalars(
        AuditLog.__table__.select().with_only_columns(AuditLog.action)
        .where(AuditLog.actor_id == user.id)
    ).all()
    assert "login" in actions
