"""PostgreSQL roles for production (issue 15, C-AUD): migrations run as the schema's owner,
the portal as a role that owns nothing, so it cannot alter a table or switch a trigger off,
and that may only read and append to the audit log (no UPDATE, DELETE or TRUNCATE)."""

import sqlalchemy as sa

from portal.models import AuditLog

# Sealing older audit rows (`flask audit-seal`) is an UPDATE: it runs as the owner.
_APPEND_ONLY = (AuditLog.__tablename__,)


def _ident(connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def grant_app_role(connection, role: str) -> list[str]:
    """GRANT the app role what the portal needs, and on the audit log only SELECT/INSERT;
    returns the statements run. Idempotent; run as the owner after each migration."""
    if connection.dialect.name != "postgresql":
        raise RuntimeError("only PostgreSQL has roles")
    who = _ident(connection, role)
    database = _ident(connection, connection.scalar(sa.text("SELECT current_database()")))
    tables = [t for t in connection.scalars(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
    statements = [f"GRANT CONNECT ON DATABASE {database} TO {who}",
                  f"GRANT USAGE ON SCHEMA public TO {who}",
                  f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}"]
    for table in sorted(tables):
        name = _ident(connection, table)
        statements.append(f"REVOKE ALL ON {name} FROM {who}")
        rights = "SELECT, INSERT" if table in _APPEND_ONLY else "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {rights} ON {name} TO {who}")
    for statement in statements:
        connection.execute(sa.text(statement))
    return statements
