"""Effective-dated policy parameters; defaults live in portal.rules.parameters."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import to_beijing
from portal.models.base import Base, utcnow
from portal.rules.parameters import is_backdated


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

    @property
    def entered_on(self) -> date | None:
        """The Beijing day the value was saved."""
        return None if self.created_at is None else to_beijing(self.created_at).date()

    @property
    def backdated(self) -> bool:
        """C-EFF: entered by the centre after its effective date (补录), with a stated reason.

        Seeded rows (no user) are the rules layer's dated values, not a back-dating.
        """
        return (self.created_by_id is not None and self.entered_on is not None
                and is_backdated(self.effective_from, self.entered_on))
