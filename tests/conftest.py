"""Fixtures: a real migrated database per test (SQLite by default, PostgreSQL with
TEST_DATABASE_URL), the Flask test client, and logins through the real login form."""

import contextvars
import os
import re
import shutil
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from portal import create_app
from portal.accounts import passwords
from portal.cli import seed_reference
from portal.extensions import db as _db
from tests.factories import PASSWORD, log_in

PG_URL = os.environ.get("TEST_DATABASE_URL")


def _config(uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    # argon2id at production cost is ~100 ms a hash; tests create hundreds of users.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords.DUMMY_HASH = passwords._hasher.hash("timing-equaliser")


def _upgrade(uri: str) -> None:
    from flask_migrate import upgrade

    app = create_app(_config(uri))
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
        _db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per session: an SQLite file to copy, or a PostgreSQL database of its own."""
    if PG_URL:
        uri = _private_postgres_database()
        _upgrade(uri)
        yield uri
        _drop_postgres_database(uri)
        return
    template = tmp_path_factory.mktemp("db") / "template.sqlite3"
    _upgrade(f"sqlite:///{template}")
    yield template


def _admin_engine():
    from portal.config import normalise_database_url

    return sa.create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")


def _private_postgres_database() -> str:
    """A throw-away database beside TEST_DATABASE_URL's, so parallel runs never collide."""
    name = f"portal_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = engine.url.set(database=name).render_as_string(hide_password=False)
    engine.dispose()
    return url


def _drop_postgres_database(uri: str) -> None:
    name = sa.engine.make_url(uri).database
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _empty_postgres(uri: str) -> None:
    engine = sa.create_engine(uri)
    with engine.begin() as conn:
        tables = conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' "
            "AND tablename <> 'alembic_version'"
        )).scalars().all()
        # TRUNCATE does not fire the audit log's row-level DELETE trigger.
        quoted = ", ".join(f'"{name}"' for name in tables)
        conn.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_uri(database_template, tmp_path):
    if PG_URL:
        _empty_postgres(database_template)
        return database_template
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(database_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app(database_uri, tmp_path):
    app = create_app({**_config(database_uri), "UPLOAD_DIR": str(tmp_path / "uploads")})
    with app.app_context():
        seed_reference()
        _db.session.commit()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


class PortalClient(FlaskClient):
    """CSRF stays on in tests: POSTs carry a real token unless `csrf=False`."""

    def open(self, *args, **kwargs):
        # Each request runs in an empty context, so it gets its own app context, `g` and
        # database session, as in production, instead of sharing the test's.
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        return _TOKEN.search(page).group(1)

    def post(self, *args, csrf: bool = True, htmx: bool = False, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if htmx:
            headers["HX-Request"] = "true"
        if csrf:
            headers.setdefault("X-CSRFToken", self.csrf_token())
        return super().post(*args, headers=headers, **kwargs)

    def hx_get(self, *args, **kwargs):
        return self.get(*args, headers={"HX-Request": "true"}, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = PortalClient
    return app.test_client()


@pytest.fixture
def login(client):
    """Log `user` in through the real login form; returns the client."""

    def _login(user, password: str = PASSWORD):
        return log_in(client, user, password)

    return _login


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements, for query ceilings on list pages."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            statements.append(statement)

        engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return _count


@pytest.fixture
def served(app):
    """The test's app on a free 127.0.0.1 port (threaded, like the browser tests' server)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="race-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
