"""Effective-dated policy parameters; defaults live in portal.rules.parameters."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class ParameterValue(Base):
    __tablename__ = "parameter_value"
    __table_args__ = (sa.UniqueConstraint("key", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[int]
    effective_from: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
