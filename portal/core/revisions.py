"""C-REV: what changed since the return, for every reviewable record kind.

A record kind registers how its reviewable fields read on its page (`register`: one
function giving {label: shown value}, uploaded files included as name, size and upload
time). When the workflow engine returns a record it keeps a snapshot of those fields, with
the fields the reviewer pointed at (`take`); when the record comes back, the reviewer's row
and detail page show each changed field old → new, or 未修改 (`since_return`).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Document, ReturnSnapshot

Snapshot = Callable[[object], dict[str, str]]
Labels = Callable[[object], list[str]]
Prefetch = Callable[[list], list]
_SNAPSHOTS: dict[str, Snapshot] = {}
_LABELS: dict[str, Labels] = {}
_PREFETCH: dict[str, Prefetch] = {}
RETURNED = "returned"  # the state every reviewable kind returns a record to
SUBMITTED = "submitted"  # and the state a resubmission brings it back to


def register(object_type: str, snapshot: Snapshot, labels: Labels,
             prefetch: Prefetch | None = None) -> None:
    """`snapshot(record)`: {label: shown value}, reading related rows with `session.get`;
    `labels(record)`: the same labels, without reading anything (a return form offers them
    on every detail page a reviewer opens); `prefetch(records)` loads what the snapshots of a
    page of records read, in a constant number of queries (no N+1 on a queue)."""
    _SNAPSHOTS[object_type] = snapshot
    _LABELS[object_type] = labels
    if prefetch is not None:
        _PREFETCH[object_type] = prefetch


def fields_of(object_type: str, obj) -> dict[str, str]:
    return _SNAPSHOTS[object_type](obj)


def take(object_type: str, obj, pointed: Iterable[str] = ()) -> None:
    """At a return: the record's fields now, and those the reviewer asked to be changed."""
    if object_type not in _SNAPSHOTS:
        return
    fields = fields_of(object_type, obj)
    db.session.add(ReturnSnapshot(object_type=object_type, object_id=obj.id, fields=fields,
                                  pointed=[f for f in pointed if f in fields]))


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class SinceReturn:
    """The resubmitted record against its latest return; `changes` empty = 未修改."""

    changes: list[Change]
    pointed: list[str]

    @property
    def unchanged(self) -> bool:
        return not self.changes

    @property
    def unanswered(self) -> list[str]:
        """Fields the reviewer pointed at that were left as they were."""
        changed = {c.label for c in self.changes}
        return [label for label in self.pointed if label not in changed]


def latest(object_type: str, ids: Sequence[int]) -> dict[int, ReturnSnapshot]:
    """The latest snapshot of each record that has one, in one query."""
    if not ids:
        return {}
    newest = (sa.select(sa.func.max(ReturnSnapshot.id))
              .where(ReturnSnapshot.object_type == object_type,
                     ReturnSnapshot.object_id.in_(list(ids)))
              .group_by(ReturnSnapshot.object_id))
    rows = db.session.scalars(sa.select(ReturnSnapshot).where(ReturnSnapshot.id.in_(newest)))
    return {row.object_id: row for row in rows}


def came_back(record) -> bool:
    """Submitted again after a decision: every reviewable kind stamps `decided_at` when it
    returns a record, and a first submission has none (no query for a page without one)."""
    return str(record.state) == SUBMITTED and record.decided_at is not None


def since_return(object_type: str, records: Iterable) -> dict[int, SinceReturn]:
    """For each record that was returned and is back with the reviewer: what changed. One
    query for the snapshots, none when no record came back; fields read only for those."""
    records = [r for r in records if came_back(r)]
    snapshots = latest(object_type, [r.id for r in records])
    records = [r for r in records if r.id in snapshots]
    # The session's identity map holds rows weakly: keep what the prefetch loaded alive.
    kept = _PREFETCH[object_type](records) if records and object_type in _PREFETCH else None
    result = {}
    for record in records:
        snapshot = snapshots.get(record.id)
        if snapshot is None:
            continue
        now = fields_of(object_type, record)
        labels = list(now) + [label for label in snapshot.fields if label not in now]
        changes = [Change(label, snapshot.fields.get(label, "—"), now.get(label, "—"))
                   for label in labels if snapshot.fields.get(label) != now.get(label)]
        result[record.id] = SinceReturn(changes, list(snapshot.pointed or ()))
    del kept
    return result


def load_documents(document_ids: Iterable[int | None]) -> list[Document]:
    """Into the session, in one query, the files snapshots describe (a prefetch's part)."""
    ids = {i for i in document_ids if i}
    return db.session.scalars(sa.select(Document).where(Document.id.in_(ids))).all() if ids else []


def describe_files(document_ids: Iterable[int | None]) -> str:
    """Uploaded files as a field: name, size and upload time (a replaced file differs)."""
    docs = [d for d in (db.session.get(Document, i) for i in sorted({i for i in document_ids if i}))
            if d is not None]
    if not docs:
        return "—"
    return "；".join(f"{d.original_name}（{_size(d.size_bytes)}，{d.uploaded_at:%Y-%m-%d %H:%M}上传）"
                    for d in docs)


def _size(size: int | None) -> str:
    if not size:
        return "0 KB"
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def page_context(object_type: str, record, timeline, reviewing: bool) -> dict:
    """What a record's detail page shows about returns: to its reviewer, the changes since
    the last return and the fields a return may point at; to its owner, while returned, the
    return's comment (the latest "return" of `timeline`) and the fields pointed at."""
    state = str(record.state)
    context = {"revision": None, "pointable": [], "return_note": None, "pointed": []}
    if reviewing:
        context["revision"] = since_return(object_type, [record]).get(record.id)
        context["pointable"] = _LABELS[object_type](record)
    elif state == RETURNED:
        context["return_note"] = next((e for e in reversed(timeline) if e.action == "return"),
                                      None)
        snapshot = latest(object_type, [record.id]).get(record.id)
        context["pointed"] = list(snapshot.pointed) if snapshot else []
    return context
