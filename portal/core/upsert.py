"""Insert a row unless its key exists, the same on SQLite and PostgreSQL.

Guarded counters (a year's approved quota, a host's proposals, login failures) start with
this, so the UPDATE that follows always finds its row, even when two requests create it at
the same moment.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def insert_ignore(connection, table: sa.Table, keys: list[str], **values) -> None:
    """INSERT … ON CONFLICT (keys) DO NOTHING through `connection` (a Connection or Session)."""
    dialect = connection.get_bind().dialect.name if hasattr(connection, "get_bind") else (
        connection.dialect.name)
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    connection.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))
