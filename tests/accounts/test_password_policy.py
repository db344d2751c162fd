"""Passwords (issue 15 item 5, ASVS 5.0 §6.2): role minimums, common passwords refused,
the current password asked for a change, a one-time password changed at first login."""

from portal.accounts.passwords import verify_password
from portal.extensions import db
from portal.models import Role, User
from tests.factories import PASSWORD, log_in, make_user
from tests.programme_factories import approved_enterprise_user


def _change(client, current, new):
    return client.post("/account/password", data={"current": current, "password": new,
                                                  "confirm": new})


def test_ASVS_6_2_staff_need_twelve_characters(app, client):
    reviewer = make_user(Role.DISTRICT, district="110105")
    log_in(client, reviewer)
    page = _change(client, PASSWORD, "Chaoyang-26x")  # 12: accepted
    assert page.status_code == 302
    log_in(client, reviewer, password="Chaoyang-26x")
    refused = _change(client, "Chaoyang-26x", "Short-2026x")  # 11
    assert refused.status_code == 200 and "密码至少12位" in refused.text


def test_ASVS_6_2_enterprise_needs_eight(app, client):
    user = approved_enterprise_user()
    log_in(client, user)
    assert "密码至少8位" in _change(client, PASSWORD, "Ab-1234").text
    assert _change(client, PASSWORD, "Qiye-2026").status_code == 302


def test_ASVS_6_2_common_password_refused_at_any_case(app, client):
    user = approved_enterprise_user()
    log_in(client, user)
    for common in ("password123", "PASSWORD123", "woaini1314", "12345678"):
        page = _change(client, PASSWORD, common)
        assert "过于常见" in page.text, common
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_ASVS_6_2_change_asks_for_the_current_password(app, client):
    user = approved_enterprise_user()
    log_in(client, user)
    assert 'name="current"' in client.get("/account/password").text
    page = _change(client, "not-my-password", "Qiye-2026-new")
    assert "当前密码不正确" in page.text
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_ASVS_6_2_one_time_password_changed_at_first_login_without_current(app, client):
    trainee = make_user(Role.TRAINEE, must_change_password=True)
    log_in(client, trainee)
    form = client.get("/account/password").text
    assert 'name="current"' not in form
    changed = _change(client, "", "Xuetu-2026!")
    assert changed.status_code == 302, changed.text
    db.session.expire_all()
    user = db.session.get(User, trainee.id)
    assert not user.must_change_password and verify_password(user.password_hash, "Xuetu-2026!")


def test_ASVS_6_2_registration_refuses_a_common_password():
    from portal.accounts.password_policy import password_problems

    assert password_problems("qwertyuiop", Role.ENTERPRISE)
    assert password_problems("qiye-admin", Role.ENTERPRISE, username="Qiye-Admin")
    assert not password_problems("Jinggong-2026", Role.ENTERPRISE)
