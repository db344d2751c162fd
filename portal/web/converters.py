"""Integers from URLs: a number no id column can hold is "not found", never an overflow.

Werkzeug's `int` converter and `request.args.get(..., type=int)` accept any number of
digits. SQLite stops at 2**63 - 1 (OverflowError) and PostgreSQL's `integer`, which every
id column is (SQLAlchemy `Integer`), at 2**31 - 1 ("integer out of range"): a longer id
reached the driver and answered 500 instead of 404 (or instead of ignoring a junk filter).
"""

from werkzeug.routing import IntegerConverter

# Signed 32-bit: PostgreSQL `integer`, the narrowest id column of the two databases.
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` limited to what an id column holds; a larger id matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, *args, **kwargs)
        if self.max is None or self.max > DB_INT_MAX:
            self.max = DB_INT_MAX
        if self.signed and (self.min is None or self.min < DB_INT_MIN):
            self.min = DB_INT_MIN


def db_int(raw: str) -> int:
    """`type=` for request.args.get: ValueError (so the default) for a number out of range."""
    value = int(raw)
    if not DB_INT_MIN <= value <= DB_INT_MAX:
        raise ValueError(f"{raw!r} does not fit an id column")
    return value


def db_int_or_none(value) -> int | None:
    """`coerce=` for an id select: None (so "please choose") for junk or an id out of range."""
    try:
        return db_int(value)
    except (TypeError, ValueError):
        return None


def init_app(app) -> None:
    # Before any blueprint is registered: a rule picks its converter class when it is added.
    app.url_map.converters["int"] = DatabaseIntConverter


def year_arg(name: str = "year") -> int | None:
    """A year from the query string (four ASCII digits), else None: junk, a full-width
    number or a huge one filters nothing rather than erring."""
    from flask import request

    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None
