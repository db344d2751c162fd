"""Backups (issue 15 item 7): `flask backup PATH` then `flask restore PATH` gives back every
table row and every uploaded file identical; a damaged backup is refused."""

import hashlib
from pathlib import Path

import sqlalchemy as sa

from portal.core import audit
from portal.extensions import db as _db
from portal.models import Role
from tests.factories import make_user


def _tables(db) -> dict[str, list]:
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = [c for c in table.primary_key.columns] or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return out


def _uploads(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _some_data(app):
    user = make_user(Role.CENTER)
    audit.record(user, "user", user.id, "login")
    _db.session.commit()
    uploads = Path(app.config["UPLOAD_DIR"])
    (uploads / "ab").mkdir(parents=True, exist_ok=True)
    (uploads / "ab" / "licence.pdf").write_bytes(b"%PDF-1.4 licence " + bytes(range(256)))
    (uploads / "photo.jpg").write_bytes(b"\xff\xd8\xff" + b"x" * 5000)
    return user


def test_backup_and_restore_round_trip_every_table_and_file(app, db, tmp_path):
    _some_data(app)
    before, files_before = _tables(db), _uploads(Path(app.config["UPLOAD_DIR"]))
    assert before["user"] and before["audit_log"] and len(files_before) == 2
    runner = app.test_cli_runner()
    target = tmp_path / "backup-1"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output

    # Afterwards: a new record, a lost file, a changed file.
    make_user(Role.CENTER)
    _db.session.commit()
    uploads = Path(app.config["UPLOAD_DIR"])
    (uploads / "photo.jpg").unlink()
    (uploads / "ab" / "licence.pdf").write_bytes(b"overwritten")
    _db.session.remove()

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    _db.session.remove()
    assert _tables(db) == before
    assert _uploads(uploads) == files_before


def test_a_damaged_backup_is_refused(app, db, tmp_path):
    _some_data(app)
    runner = app.test_cli_runner()
    target = tmp_path / "backup-2"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    (target / "uploads" / "photo.jpg").write_bytes(b"tampered")
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code != 0 and "已被修改" in result.output
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0  # never over a backup
