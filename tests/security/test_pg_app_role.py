"""Issue 15 item 2(b): on PostgreSQL the portal's own role may read and append to the audit
log but not change, delete, truncate it or switch its triggers off."""

import uuid

import pytest
import sqlalchemy as sa

from portal.core import audit, pg_roles
from portal.extensions import db as _db
from portal.models import Role
from tests.factories import make_user
from tests.races import needs_postgres

pytestmark = needs_postgres


@pytest.fixture
def app_role(app):
    role = f"portal_app_{uuid.uuid4().hex[:8]}"
    with _db.engine.begin() as conn:
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
        pg_roles.grant_app_role(conn, role)
    url = _db.engine.url.set(username=role, password=None)
    engine = sa.create_engine(url)
    yield engine
    engine.dispose()
    with _db.engine.begin() as conn:
        conn.execute(sa.text(f"DROP OWNED BY {role}"))
        conn.execute(sa.text(f"DROP ROLE {role}"))


def test_C_AUD_app_role_appends_but_cannot_change_the_audit_log(app, app_role):
    user = make_user(Role.CENTER)
    audit.record(user, "user", user.id, "login")
    _db.session.commit()
    with app_role.begin() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM audit_log")) >= 1
        conn.execute(sa.text("INSERT INTO district (code, name, sort_order) "
                             "VALUES ('999999', '测试区', 99)"))
    for statement in ("UPDATE audit_log SET comment = 'x'", "DELETE FROM audit_log",
                      "TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                      "DROP TRIGGER audit_log_append_only ON audit_log"):
        with (pytest.raises(sa.exc.ProgrammingError, match="permission denied|must be owner"),
              app_role.begin() as conn):
            conn.execute(sa.text(statement))
