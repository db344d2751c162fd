"""Issue 15 item 6: uploads no record refers to are removed after the retention period;
files a record points at are kept whatever their age."""

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from portal.models import AuditLog, Document
from portal.models.base import utcnow
from tests.factories import make_document, make_org


def _age(db, doc, days):
    db.session.execute(sa.update(Document).where(Document.id == doc.id)
                       .values(uploaded_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_unused_old_uploads_are_removed_and_used_ones_kept(app, db):
    org = make_org()
    kept = make_document(org)  # the draft's licence
    replaced = make_document(org, set_as_licence=False)  # uploaded, then replaced
    recent = make_document(org, set_as_licence=False)
    _age(db, kept, 400)
    _age(db, replaced, 40)
    _age(db, recent, 3)
    folder = Path(app.config["UPLOAD_DIR"])
    result = app.test_cli_runner().invoke(args=["remove-unused-uploads", "--days", "30"])
    assert "removed 1" in result.output
    left = set(db.session.scalars(sa.select(Document.id)))
    assert left == {kept.id, recent.id}
    assert (folder / kept.stored_name).is_file() and (folder / recent.stored_name).is_file()
    assert not (folder / replaced.stored_name).exists()
    assert db.session.scalar(sa.select(AuditLog.id).where(
        AuditLog.object_type == "document", AuditLog.object_id == replaced.id,
        AuditLog.action == "remove_unused"))
