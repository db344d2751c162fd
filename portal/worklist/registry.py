"""The one registration point of the worklist (待办) and the code that reads it.

A kind of work declares, once: its label, the roles it waits for, ONE aggregate select
(count, timestamp of the oldest item) built on the domain's own scope function, so C-DIST
holds by construction, and the URL of the list page that shows exactly those rows. This
module imports no domain: `kinds.py` registers this issue's kinds, later packages call
`register` from their own code.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import AuditLog

Aggregate = Callable[[object], sa.Select]  # user → SELECT count(*), min(<timestamp>) ...
ReturnedRows = Callable[[object], sa.Select]  # user → SELECT id, title, returned_at ...

# The audit action every review step logs for 退回修改 (core.workflow.Decision.RETURN).
RETURN_ACTION = "return"
RETURNED_SHOWN = 5


@dataclass(frozen=True)
class Returned:
    """C-REV: how a kind's returned records are listed with the reviewer's comment.

    `rows(user)` selects (id, title, returned_at) of the same records the kind counts;
    `object_type` is the record's name in the audit log, `url(user, id)` its page.
    """

    object_type: str
    noun: str  # what the record is, as the list of returned records names it
    rows: ReturnedRows
    url: Callable[[object, int], str]


@dataclass(frozen=True)
class WorkKind:
    """One kind of work waiting for a role.

    `key` is stable (tests and the page's ids use it). `since` says what the oldest
    timestamp means: how long the oldest item has waited ("waiting"), or the first of
    today's items ("today").
    """

    key: str
    label: str
    roles: tuple[str, ...]
    aggregate: Aggregate
    url: Callable[[object], str]
    rule_ids: tuple[str, ...] = ()
    since: Literal["waiting", "today"] = "waiting"
    returned: Returned | None = None


_KINDS: dict[str, WorkKind] = {}


def register(kind: WorkKind) -> WorkKind:
    """Add `kind` to the worklist of each of its roles; a key is registered once."""
    if kind.key in _KINDS:
        raise ValueError(f"worklist kind {kind.key!r} registered twice")
    _KINDS[kind.key] = kind
    return kind


def kinds_for(role) -> list[WorkKind]:
    return [k for k in _KINDS.values() if str(role) in k.roles]


@dataclass(frozen=True)
class Work:
    kind: WorkKind
    count: int
    oldest: datetime | None
    url: str

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def days_waiting(self) -> int | None:
        """Whole Beijing days since the oldest item (0: today)."""
        if self.oldest is None:
            return None
        return max(0, (clock.today() - clock.beijing_day(self.oldest)).days)


@dataclass(frozen=True)
class ReturnedItem:
    kind: WorkKind
    id: int
    title: str
    returned_at: datetime | None
    comment: str
    url: str


@dataclass(frozen=True)
class Worklist:
    items: list[Work]
    returned: list[ReturnedItem]

    @property
    def waiting(self) -> list[Work]:
        """The kinds with something to do; empty ones are not shown."""
        return [w for w in self.items if w.count]

    @property
    def total(self) -> int:
        return sum(w.count for w in self.items)


def worklist_for(user) -> Worklist:
    """Every kind of the user's role: one query each, plus one for the returned records'
    comments when anything came back (never a query per row)."""
    items = []
    for kind in kinds_for(user.role):
        count, oldest = db.session.execute(kind.aggregate(user)).one()
        items.append(Work(kind, count or 0, oldest, kind.url(user)))
    returned = [w.kind for w in items if w.count and w.kind.returned]
    return Worklist(items, _returned_items(user, returned) if returned else [])


def _returned_items(user, kinds: list[WorkKind]) -> list[ReturnedItem]:
    """C-REV: the oldest returned records of `kinds`, each with the comment of its latest
    return, in one query."""
    by_key = {k.key: k for k in kinds}
    rows = sa.union_all(*(
        k.returned.rows(user).add_columns(sa.literal(k.key).label("kind"),
                                          sa.literal(k.returned.object_type).label("object_type"))
        for k in kinds
    )).subquery("returned")
    comment = (sa.select(AuditLog.comment)
               .where(AuditLog.object_type == rows.c.object_type,
                      AuditLog.object_id == rows.c.id, AuditLog.action == RETURN_ACTION)
               .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(1)
               .correlate(rows).scalar_subquery())
    found = db.session.execute(
        sa.select(rows.c.kind, rows.c.id, rows.c.title, rows.c.returned_at, comment)
        .order_by(rows.c.returned_at, rows.c.id).limit(RETURNED_SHOWN)
    ).all()
    return [ReturnedItem(by_key[key], id_, title, at, text or "",
                         by_key[key].returned.url(user, id_))
            for key, id_, title, at, text in found]
