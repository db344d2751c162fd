"""C-AUD tamper evidence (issue 15 item 2): every audit row is chained; `flask audit-verify`
names the first row that was edited, deleted, inserted behind the app's back, or a table
emptied; sealing older rows is the one UPDATE the log accepts."""

import sqlalchemy as sa

from portal.core import audit
from portal.extensions import db as _db
from portal.models import AuditLog, Role
from tests.factories import make_user


def _rows(n=5):
    user = make_user(Role.CENTER)
    for k in range(n):
        audit.record(user, "user", user.id, "login", comment=f"第{k}次")
    _db.session.commit()
    return _db.session.scalars(sa.select(AuditLog).order_by(AuditLog.chain_seq)).all()


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit-verify"])


def _tamper(sql: str, **params):
    """What someone with the database's own credentials could do: triggers off, then SQL."""
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(sa.text(sql), params)
        else:
            conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
            conn.execute(sa.text(sql), params)


def test_C_AUD_every_row_is_chained_and_verifies(app, db):
    rows = _rows()
    seqs = [r.chain_seq for r in rows]
    assert seqs == list(range(1, len(seqs) + 1)) and all(r.row_hash for r in rows)
    result = _verify(app)
    assert result.exit_code == 0 and f"{len(rows)} rows checked" in result.output


def test_C_AUD_an_edited_row_is_named(app, db):
    rows = _rows()
    _tamper("UPDATE audit_log SET comment = '改过了' WHERE id = :id", id=rows[2].id)
    result = _verify(app)
    assert result.exit_code == 1 and f"row id {rows[2].id}" in result.output
    assert "被修改" in result.output


def test_C_AUD_a_deleted_row_is_found(app, db):
    rows = _rows()
    _tamper("DELETE FROM audit_log WHERE id = :id", id=rows[1].id)
    result = _verify(app)
    assert result.exit_code == 1 and f"row id {rows[2].id}" in result.output
    assert "缺失" in result.output


def test_C_AUD_a_deleted_last_row_and_an_emptied_table_are_found(app, db):
    rows = _rows()
    _tamper("DELETE FROM audit_log WHERE id = :id", id=rows[-1].id)
    assert _verify(app).exit_code == 1
    _tamper("DELETE FROM audit_log")
    result = _verify(app)
    assert result.exit_code == 1 and "链尾" in result.output


def test_C_AUD_a_row_inserted_behind_the_apps_back_is_found(app, db):
    rows = _rows()
    forged = rows[-1]
    _tamper("INSERT INTO audit_log (at, actor_id, actor_role, object_type, object_id, action, "
            "comment, chain_seq, row_hash) VALUES (:at, :actor, 'center', 'claim', 1, 'pay', "
            "'', :seq, :hash)", at=forged.at, actor=forged.actor_id, seq=forged.chain_seq + 1,
            hash="0" * 64)
    result = _verify(app)
    assert result.exit_code == 1 and "伪造" in result.output


def test_C_AUD_the_log_still_refuses_updates_and_deletes(app, db):
    rows = _rows(1)
    for sql in ("UPDATE audit_log SET comment = 'x' WHERE id = :id",
                "DELETE FROM audit_log WHERE id = :id"):
        try:
            with _db.engine.begin() as conn:
                conn.execute(sa.text(sql), {"id": rows[0].id})
        except sa.exc.DatabaseError as err:
            assert "append-only" in str(err)
        else:
            raise AssertionError(f"{sql} was not refused")


def test_C_AUD_bulk_inserted_rows_are_sealed_then_verify(app, db):
    _rows(2)
    with _db.engine.begin() as conn:
        conn.execute(sa.insert(AuditLog.__table__), [
            dict(at=AuditLog.at.default.arg(None), actor_id=None, actor_role="system",
                 object_type="programme", object_id=k, action="create", comment="")
            for k in range(3)])
    unsealed = _verify(app)
    assert unsealed.exit_code == 1 and "audit-seal" in unsealed.output
    assert "sealed 3" in app.test_cli_runner().invoke(args=["audit-seal"]).output
    assert _verify(app).exit_code == 0
