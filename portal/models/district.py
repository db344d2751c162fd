"""The units of 属地管理 (C-DIST)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base


class District(Base):
    __tablename__ = "district"

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(32), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
