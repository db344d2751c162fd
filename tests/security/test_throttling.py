"""Login throttling behind a proxy (issue 15 item 3): strict per account and address, loose
per account and per address; the client address comes from X-Forwarded-For only when the
proxy hops are configured."""

import pytest

from portal import create_app
from portal.cli import seed_reference
from portal.extensions import db as _db
from portal.models import Role
from tests.conftest import PortalClient, _config
from tests.factories import PASSWORD, make_user


@pytest.fixture
def proxied(database_uri, tmp_path):
    app = create_app({**_config(database_uri), "UPLOAD_DIR": str(tmp_path / "uploads"),
                      "PROXY_HOPS": 1, "LOGIN_USER_LIMIT": "8 per hour"})
    app.test_client_class = PortalClient
    with app.app_context():
        seed_reference()
        _db.session.commit()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def _login(client, username, password, address):
    return client.post("/login", data={"username": username, "password": password},
                       headers={"X-Forwarded-For": address})


def test_a_guesser_at_one_address_does_not_lock_the_user_out_elsewhere(proxied):
    user = make_user(Role.CENTER)
    guesser, owner = proxied.test_client(), proxied.test_client()
    for _ in range(5):
        assert _login(guesser, user.username, "wrong-pass", "203.0.113.7").status_code == 200
    assert _login(guesser, user.username, PASSWORD, "203.0.113.7").status_code == 429
    assert _login(owner, user.username, PASSWORD, "198.51.100.20").status_code == 302


def test_guessing_one_account_from_many_addresses_is_slowed_too(proxied):
    user = make_user(Role.CENTER)
    client = proxied.test_client()
    for n in range(8):
        assert _login(client, user.username, "wrong-pass", f"203.0.113.{n}").status_code == 200
    assert _login(client, user.username, "wrong-pass", "203.0.113.99").status_code == 429


def test_without_configured_hops_the_forwarded_header_is_ignored(app, client):
    user = make_user(Role.CENTER)
    for n in range(5):
        _login(client, user.username, "wrong-pass", f"203.0.113.{n}")
    assert _login(client, user.username, PASSWORD, "198.51.100.1").status_code == 429


def test_past_its_free_failures_an_account_waits_longer_each_time_but_is_never_locked(app):
    """Issue 15 item 3: increasing delays, not a hard lock, for the per-account count."""
    from datetime import timedelta

    from portal.accounts import throttle
    from portal.models.base import utcnow

    app.config.update(LOGIN_USER_LIMIT="3 per hour", LOGIN_USER_DELAY_SECONDS=2,
                      LOGIN_USER_MAX_DELAY_SECONDS=60)
    delays = [throttle.user_delay(n).total_seconds() for n in range(1, 12)]
    assert delays == [0, 0, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    user = make_user(Role.TRAINEE)
    now = utcnow()
    for n in range(3):
        throttle.failed(user.username, f"203.0.113.{n}", now=now)
    _db.session.commit()
    refused = throttle.refusal(user.username, "198.51.100.9", now=now + timedelta(seconds=1))
    assert refused is not None and "秒后再试" in refused.message
    # The owner tries again once the short wait is over: weighed normally.
    assert throttle.refusal(user.username, "198.51.100.9", now=now + timedelta(seconds=3)) is None


def test_a_refused_attempt_is_audited_with_the_address(proxied):
    from portal.models import AuditLog

    user = make_user(Role.CENTER)
    client = proxied.test_client()
    for _ in range(5):
        _login(client, user.username, "wrong-pass", "203.0.113.7")
    assert _login(client, user.username, PASSWORD, "203.0.113.7").status_code == 429
    locked = _db.session.scalars(_db.select(AuditLog).where(
        AuditLog.object_id == user.id, AuditLog.action == "login_throttled")).all()
    assert len(locked) == 1 and "203.0.113.7" in locked[0].comment


def test_the_right_password_clears_the_account_count(app, client):
    user = make_user(Role.CENTER)
    for _ in range(4):
        _login(client, user.username, "wrong-pass", "ignored")
    assert _login(client, user.username, PASSWORD, "ignored").status_code == 302
    client.post("/logout", data={})
    other = app.test_client()
    for _ in range(4):
        assert _login(other, user.username, "wrong-pass", "ignored").status_code == 200
