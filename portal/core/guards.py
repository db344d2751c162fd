"""The guarded update every state transition uses to win exactly once."""

import sqlalchemy as sa

from portal.core.errors import StateConflict
from portal.extensions import db
from portal.models.base import utcnow


def guarded_update(obj, state_column: str, expected, values: dict,
                   conflict: str | None = None) -> None:
    """UPDATE … WHERE id = :id AND <state> = :expected, and exactly one row must change.

    SQLite ignores SELECT … FOR UPDATE, so a check-then-write could let two reviewers'
    clicks both succeed; this conditional update wins once on both databases.
    """
    model = type(obj)
    changed = db.session.execute(
        sa.update(model)
        .where(model.id == obj.id, getattr(model, state_column) == expected)
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise StateConflict(conflict) if conflict else StateConflict()
    db.session.refresh(obj)
