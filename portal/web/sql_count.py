"""Benchmark aid: the number of SQL statements a request ran, as the `X-SQL-Count` header.

Off unless the app's config has BENCH_SQL_COUNT (env BENCH_SQL_COUNT=1, set by bench/run.py):
without it nothing is hooked, so production pays nothing. Statements run after the response
is made (teardown) are not counted.
"""

import sqlalchemy as sa
from flask import g, has_request_context

HEADER = "X-SQL-Count"


def _count(*_args) -> None:
    if has_request_context():
        g.sql_count = g.get("sql_count", 0) + 1


def _header(response):
    response.headers[HEADER] = str(g.get("sql_count", 0))
    return response


def init_app(app) -> None:
    if not app.config.get("BENCH_SQL_COUNT"):
        return
    from portal.extensions import db

    with app.app_context():
        engines = set(db.engines.values())
    for engine in engines:
        if not sa.event.contains(engine, "before_cursor_execute", _count):
            sa.event.listen(engine, "before_cursor_execute", _count)
    app.after_request(_header)
