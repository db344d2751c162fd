"""C-AUD, tamper-evident (issue 15): every audit row carries an HMAC of its content and of
the previous row's hash, in one order kept by a single head row.

Writers take the head row first (an UPDATE: a row lock on PostgreSQL, the write lock on
SQLite), read the last position and hash, chain their new rows and move the head, all in
their own transaction: two transactions never chain onto the same row. An edited row breaks
its own hash, a deleted one leaves a gap in the positions, an inserted one has no valid HMAC
without the key, a truncated table no longer reaches the head. The key is the application's
(`AUDIT_CHAIN_KEY`, else derived from SECRET_KEY), which the database role does not hold.
"""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.models import AuditChainHead, AuditLog

HEAD_ID = 1
SEAL_CHUNK = 20_000
_FIELDS = ("at", "actor_id", "actor_role", "object_type", "object_id", "action", "from_state",
           "to_state", "comment")


def _key() -> bytes:
    configured = current_app.config.get("AUDIT_CHAIN_KEY")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"audit-chain:" + current_app.config["SECRET_KEY"].encode()).digest()


def _text(value) -> str:
    if value is None:
        return "\x00"
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="microseconds")
    return str(value)


def row_hash(key: bytes, seq: int, previous: str, values: Iterable) -> str:
    message = "\x1f".join([str(seq), previous, *(_text(v) for v in values)])
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _lock_head(connection) -> tuple[int, str]:
    """The head row, locked for this transaction (created on first use)."""
    table = AuditChainHead.__table__
    lock = table.update().where(table.c.id == HEAD_ID).values(seq=table.c.seq)
    if connection.execute(lock).rowcount == 0:
        insert = (pg_insert if connection.dialect.name == "postgresql" else sqlite_insert)(table)
        connection.execute(insert.values(id=HEAD_ID, seq=0, row_hash="")
                           .on_conflict_do_nothing(index_elements=["id"]))
        connection.execute(lock)
    seq, last = connection.execute(
        sa.select(table.c.seq, table.c.row_hash).where(table.c.id == HEAD_ID)).one()
    return seq, last


def _move_head(connection, seq: int, last: str) -> None:
    table = AuditChainHead.__table__
    connection.execute(table.update().where(table.c.id == HEAD_ID)
                       .values(seq=seq, row_hash=last))


@event.listens_for(Session, "before_flush")
def _chain_new_rows(session, _context, _instances) -> None:
    rows = [obj for obj in session.new if isinstance(obj, AuditLog) and obj.chain_seq is None]
    if not rows:
        return
    connection = session.connection()
    key = _key()
    seq, last = _lock_head(connection)
    for row in rows:
        if row.at is None:
            row.at = AuditLog.at.default.arg(None)
        if row.comment is None:
            row.comment = ""
        seq += 1
        last = row_hash(key, seq, last, (getattr(row, f) for f in _FIELDS))
        row.chain_seq, row.row_hash = seq, last
    _move_head(connection, seq, last)


def seal_unsealed(connection, key: bytes) -> int:
    """Chain rows written around the ORM (bulk inserts, rows older than the chain) in id
    order; returns how many. Run once after the migration and after `seed-scale`."""
    table = AuditLog.__table__
    seq, last = _lock_head(connection)
    columns = [table.c.id, *(table.c[f] for f in _FIELDS)]
    pending = connection.execute(sa.select(*columns).where(table.c.chain_seq.is_(None))
                                 .order_by(table.c.id)).all()
    updates = []
    for row in pending:
        seq += 1
        last = row_hash(key, seq, last, row[1:])
        updates.append({"rid": row.id, "s": seq, "h": last})
    if updates:
        _sealing(connection, updates)
    _move_head(connection, seq, last)
    return len(updates)


def _sealing(connection, updates: list[dict]) -> None:
    """Setting the chain columns of unsealed rows is the one UPDATE the append-only
    triggers allow (they refuse any change to a sealed row or to its content)."""
    table = AuditLog.__table__
    if connection.dialect.name == "postgresql":
        # One statement per chunk, not one round trip per row: sealing a city's 300,000
        # rows (seed-scale) takes seconds instead of many minutes.
        for start in range(0, len(updates), SEAL_CHUNK):
            chunk = updates[start:start + SEAL_CHUNK]
            connection.execute(sa.text(
                "UPDATE audit_log SET chain_seq = v.s, row_hash = v.h "
                "FROM unnest(CAST(:ids AS integer[]), CAST(:seqs AS integer[]), "
                "CAST(:hashes AS varchar[])) AS v(id, s, h) "
                "WHERE audit_log.id = v.id AND audit_log.chain_seq IS NULL"),
                {"ids": [u["rid"] for u in chunk], "seqs": [u["s"] for u in chunk],
                 "hashes": [u["h"] for u in chunk]})
        return
    connection.execute(table.update().where(table.c.id == sa.bindparam("rid"),
                                            table.c.chain_seq.is_(None))
                       .values(chain_seq=sa.bindparam("s"), row_hash=sa.bindparam("h")),
                       updates)


@dataclass
class Verification:
    checked: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def verify(connection, key: bytes) -> Verification:
    """Recompute the chain in order; the first row (or gap) that does not fit."""
    table = AuditLog.__table__
    unsealed = connection.scalar(sa.select(sa.func.count()).where(table.c.chain_seq.is_(None)))
    columns = [table.c.id, table.c.chain_seq, table.c.row_hash, *(table.c[f] for f in _FIELDS)]
    result = connection.execution_options(yield_per=20_000).execute(
        sa.select(*columns).where(table.c.chain_seq.is_not(None)).order_by(table.c.chain_seq))
    expected, last, checked = 1, "", 0
    with result:  # a server-side cursor on PostgreSQL: closed on an early return too
        for row in result:
            if row.chain_seq != expected:
                return Verification(checked, row.id, f"第 {expected} 条记录缺失（位置不连续）")
            if not hmac.compare_digest(row_hash(key, row.chain_seq, last, row[3:]),
                                       row.row_hash or ""):
                return Verification(checked, row.id, "内容与校验值不符（记录被修改或伪造）")
            last, expected, checked = row.row_hash, expected + 1, checked + 1
    head = connection.execute(sa.select(AuditChainHead.seq, AuditChainHead.row_hash)
                              .where(AuditChainHead.id == HEAD_ID)).first()
    if head is not None and (head.seq != checked or head.row_hash != last):
        return Verification(checked, None, f"链尾应为第 {head.seq} 条，实际只有 {checked} 条"
                                           "（末尾记录被删除或表被清空）")
    if unsealed:
        return Verification(checked, None, f"{unsealed} 条记录尚未纳入校验链（请运行 audit-seal）")
    return Verification(checked)
