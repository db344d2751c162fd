"""Issue 15 item 3: a rate-limit storage outage is logged as an error, counted and shown by
/healthz; login throttling carries on in the database."""

import logging

import pytest

from portal import create_app
from portal.cli import seed_reference
from portal.extensions import db as _db
from portal.models import Role
from tests.conftest import PortalClient, _config
from tests.factories import make_user

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def outage(database_uri, tmp_path):
    app = create_app({**_config(database_uri), "UPLOAD_DIR": str(tmp_path / "uploads"),
                      "RATELIMIT_STORAGE_URI": DEAD_REDIS, "RATELIMIT_ENABLED": True})
    app.test_client_class = PortalClient
    with app.app_context():
        seed_reference()
        _db.session.commit()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_healthz_is_ok_when_everything_answers(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok" and response.json["rate_limit_storage"] == "ok"


def test_an_unreachable_rate_limit_storage_is_logged_as_an_error_and_counted(outage, caplog):
    client = outage.test_client()
    with caplog.at_level(logging.WARNING):
        assert client.get("/verify?number=ZS-NOPE").status_code in (200, 302)
    errors = [r for r in caplog.records
              if r.name == "portal.security" and r.levelno == logging.ERROR]
    assert errors and "限流存储" in errors[0].getMessage()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["rate_limit_storage"] == "down"
    assert health.json["rate_limit_outages"] >= 1


def test_login_throttling_still_counts_during_the_outage(outage):
    user = make_user(Role.CENTER)
    client = outage.test_client()
    for _ in range(5):
        client.post("/login", data={"username": user.username, "password": "wrong-pass"})
    refused = client.post("/login", data={"username": user.username, "password": "wrong-pass"})
    assert refused.status_code == 429
