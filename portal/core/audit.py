"""C-AUD: the one way to append an audit record."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.core import audit_chain  # noqa: F401  (chains every new row at flush)
from portal.extensions import db
from portal.models import AuditLog


def record(actor, object_type: str, object_id: int, action: str, *,
           from_state: str | None = None, to_state: str | None = None,
           comment: str = "") -> AuditLog:
    """C-AUD: who, role, when, object, from-state, to-state, comment."""
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        actor_role=str(getattr(actor, "role", "system")),
        object_type=object_type,
        object_id=object_id,
        action=action,
        from_state=from_state and str(from_state),
        to_state=to_state and str(to_state),
        comment=comment,
    )
    db.session.add(entry)
    return entry


def timeline(object_type: str, object_id: int) -> list[AuditLog]:
    """Audit records of one object, oldest first, with their actors in the same query."""
    return list(
        db.session.scalars(
            select(AuditLog)
            .options(joinedload(AuditLog.actor))
            .where(AuditLog.object_type == object_type, AuditLog.object_id == object_id)
            .order_by(AuditLog.at, AuditLog.id)
        )
    )
