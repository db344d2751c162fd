"""Append-only audit log (C-AUD); the migration adds triggers refusing UPDATE and DELETE."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.apprentice import EnrolmentState
from portal.models.base import Base, utcnow
from portal.models.review import ReviewState
from portal.models.training import ChangeState, LeaveState
from portal.models.user import ROLE_LABELS

# The log keeps state codes (they outlive a relabelling); a reader sees the words of the
# record kind, since "returned" is 退回修改 for a programme and 已销假 for a leave.
_STATE_LABELS: dict[str, dict[str, str]] = {
    "organisation": {s.value: s.label for s in ReviewState},
    "programme": {s.value: s.label for s in ReviewState},
    "enrolment": {s.value: s.label for s in EnrolmentState},
    "status_change": {s.value: s.label for s in ChangeState},
    "leave_request": {s.value: s.label for s in LeaveState},
    # Records whose state is a flag rather than an enum column.
    "mentor": {"active": "在岗", "inactive": "已停用"},
    "class_session": {"open": "签到中", "closed": "已结束"},
}


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),
                      # An index, not a constraint: SQLite adds it without rebuilding the
                      # table (a rebuild would drop the append-only triggers).
                      sa.Index("uq_audit_log_chain_seq", "chain_seq", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    actor_role: Mapped[str] = mapped_column(sa.String(32))
    object_type: Mapped[str] = mapped_column(sa.String(32))
    object_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(32))
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    # The tamper-evident chain (core.audit_chain): position, and an HMAC of this row's
    # content and the previous row's hash. Set when the row is written.
    chain_seq: Mapped[int | None]
    row_hash: Mapped[str | None] = mapped_column(sa.String(64))

    actor = relationship("User", lazy="raise")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.actor_role, "系统")

    def state_label(self, state: str | None) -> str:
        """A state of this record in Chinese; a value that is no state (a parameter's old
        and new figure) is shown as written."""
        if not state:
            return ""
        return _STATE_LABELS.get(self.object_type, {}).get(state, state)

    @property
    def from_label(self) -> str:
        return self.state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return self.state_label(self.to_state)

    @property
    def changes_state(self) -> bool:
        return bool(self.to_state) and self.from_state != self.to_state


class AuditChainHead(Base):
    """The chain's last position and hash, one row: writers queue on it (row lock), so the
    chain has one order even when transactions commit out of id order."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    row_hash: Mapped[str] = mapped_column(sa.String(64), default="")
