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
