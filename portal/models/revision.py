"""What a record looked like when it was returned (C-REV: changes since the return)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class ReturnSnapshot(Base):
    """The reviewable fields of a record at its return, and the fields the reviewer pointed
    at; the resubmission is compared with the latest one."""

    __tablename__ = "return_snapshot"
    __table_args__ = (sa.Index("ix_return_snapshot_object", "object_type", "object_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(sa.String(32))
    object_id: Mapped[int]
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {label: shown value}, in the order the record's page shows them.
    fields: Mapped[dict] = mapped_column(sa.JSON)
    pointed: Mapped[list] = mapped_column(sa.JSON, default=list)
