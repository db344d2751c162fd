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


def page_number() -> int:
    return max(1, min(request.args.get("page", 1, type=int), 10_000))


def paginate_rows(q: sa.Select) -> ListPage:
    """Two queries: the count and one page of (tuple) rows."""
    per_page, page = current_app.config["PAGE_SIZE"], page_number()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(q.order_by(None).subquery()))
    rows = db.session.execute(q.limit(per_page).offset((page - 1) * per_page)).all()
    return ListPage(items=rows, page=page, per_page=per_page, total=total or 0)
