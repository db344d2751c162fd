"""Uploads nobody keeps (issue 15 item 6): a draft's replaced licence, an abandoned form's
file. A document that no record points at, older than the retention period, is deleted,
file and row; the audit log keeps that it was uploaded and that it was removed."""

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.core import audit
from portal.extensions import db
from portal.models import Document
from portal.models.base import utcnow


def _references() -> list[sa.Column]:
    """Every column of the schema that points at document.id (found, not listed: a new
    table pointing at documents protects its files without an edit here)."""
    table = Document.__table__
    return [fk.parent for t in db.metadata.sorted_tables for fk in t.foreign_keys
            if fk.column.table is table and fk.column.name == "id"]


def orphans(older_than: timedelta) -> sa.Select:
    cutoff = utcnow() - older_than
    q = sa.select(Document).where(Document.uploaded_at < cutoff)
    for column in _references():
        q = q.where(~sa.exists().where(column == Document.id))
    return q.order_by(Document.id)


def remove_orphans(older_than: timedelta) -> int:
    """Delete them (files first kept until the rows are gone); returns how many."""
    found = db.session.scalars(orphans(older_than)).all()
    folder = Path(current_app.config["UPLOAD_DIR"])
    names = [doc.stored_name for doc in found]
    for doc in found:
        audit.record(None, "document", doc.id, "remove_unused",
                     comment=f"无记录引用且超过保留期：{doc.original_name}")
        db.session.delete(doc)
    db.session.commit()
    for name in names:
        (folder / name).unlink(missing_ok=True)
    return len(found)
