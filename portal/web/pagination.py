"""One page of rows that are tuples (or of a list sorted in Python), for the `pagination` macro.

`db.paginate` pages scalars only; the queues of changes of status and of leave and the
quality list page joined rows.
"""

from dataclasses import dataclass
from math import ceil

import sqlalchemy as sa
from flask import current_app, request

from portal.extensions import db


@dataclass
class ListPage:
    """What the `pagination` macro needs, for tuple rows and for lists sorted in Python."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


MAX_PAGE = 10_000
# Reviewers clearing dozens of files a day choose a longer page; nothing else is accepted.
PAGE_SIZES = (20, 50, 100)


def page_number() -> int:
    """The page asked for, clamped: a junk or huge number is never an error (or an overflow)."""
    raw = request.args.get("page", "")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE)) else 1
    return max(1, min(number, MAX_PAGE))


def page_size() -> int:
    asked = request.args.get("per_page", type=int)
    return asked if asked in PAGE_SIZES else current_app.config["PAGE_SIZE"]


# url_for's own keyword arguments: from a query string they would clash or redirect the link.
_URL_FOR_KEYWORDS = {"endpoint", "_anchor", "_method", "_scheme", "_external"}


def kept_query() -> dict[str, str]:
    """This request's query arguments to carry into a link (next page, the list after a POST).

    Without url_for's own keywords and the route's own arguments, so a crafted query string
    cannot break the link (a TypeError, 500) or replace the record the page is about.
    """
    reserved = _URL_FOR_KEYWORDS | set(request.view_args or ())
    return {k: v for k, v in request.args.to_dict().items() if k not in reserved}


def paginate(q: sa.Select):
    """One page of ORM rows (db.paginate: the count, then the page), size and number clamped."""
    return db.paginate(q, page=page_number(), per_page=page_size(), error_out=False)


def paginate_rows(q: sa.Select) -> ListPage:
    """Two queries: the count and one page of (tuple) rows."""
    per_page, page = page_size(), page_number()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(q.order_by(None).subquery()))
    rows = db.session.execute(q.limit(per_page).offset((page - 1) * per_page)).all()
    return ListPage(items=rows, page=page, per_page=per_page, total=total or 0)


def paginate_keyed(ids: sa.Select, load) -> ListPage:
    """A page of a long ordered list in two steps: the page's ids (`ids` selects only the
    primary key, with the list's filters and order), then `load(ids)` by primary key, in
    that order. The database then sorts and cuts the bare list and joins what a row shows
    for the page alone (PostgreSQL joins before it sorts)."""
    page = paginate_rows(ids)
    keys = [row[0] for row in page.items]
    loaded = {obj.id: obj for obj in load(keys)} if keys else {}
    page.items = [loaded[key] for key in keys if key in loaded]
    return page
