"""Reference data the centre keeps: the occupation catalogue, its effective-dated lists
(AP-P5) and the effective-dated policy parameters (defaults in portal.rules.parameters)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import to_beijing
from portal.models.base import Base, enum_column, utcnow
from portal.rules.parameters import is_backdated


class CatalogueKind(StrEnum):
    URGENT = "urgent"  # 急需紧缺职业（工种）目录
    ASSESSMENT_SCOPE = "assessment_scope"  # 纳入本市考核评价范围
    PROHIBITED = "prohibited"  # 新增产业禁止和限制目录

    @property
    def label(self) -> str:
        return CATALOGUE_LABELS[self]


CATALOGUE_LABELS = {
    CatalogueKind.URGENT: "急需紧缺职业（工种）目录",
    CatalogueKind.ASSESSMENT_SCOPE: "本市职业技能评价范围目录",
    CatalogueKind.PROHIBITED: "新增产业禁止和限制目录",
}


class Occupation(Base):
    __tablename__ = "occupation"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 国家职业分类大典 format X-XX-XX-XX (a trailing -XX for a 工种 is allowed)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), index=True)
    # Comma-separated level codes of portal.rules.LEVELS that the occupation offers.
    levels: Mapped[str] = mapped_column(sa.String(80))
    is_demo: Mapped[bool] = mapped_column(default=False)

    @property
    def level_list(self) -> list[str]:
        return [lv for lv in self.levels.split(",") if lv]


class CatalogueVersion(Base):
    """A whole list as in force from `effective_from` until the next version of its kind."""

    __tablename__ = "catalogue_version"
    __table_args__ = (sa.UniqueConstraint("kind", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CatalogueKind] = mapped_column(enum_column(CatalogueKind))
    effective_from: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items = relationship("CatalogueItem", lazy="raise", cascade="all, delete-orphan")


class CatalogueItem(Base):
    __tablename__ = "catalogue_item"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("catalogue_version.id", ondelete="CASCADE"), primary_key=True
    )
    occupation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("occupation.id"), primary_key=True, index=True
    )

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
