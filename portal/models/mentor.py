"""Mentors (双导师, AP-M1..M4) and training agreements (AP-A1)."""

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TimestampMixin, enum_column


class MentorKind(StrEnum):
    ENTERPRISE = "enterprise"  # 企业导师 (AP-M2)
    TEACHER = "teacher"  # 培训机构教师 (AP-M3)

    @property
    def label(self) -> str:
        return {"enterprise": "企业导师", "teacher": "培训机构教师"}[self.value]


class Mentor(TimestampMixin, Base):
    __tablename__ = "mentor"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    kind: Mapped[MentorKind] = mapped_column(enum_column(MentorKind))
    name: Mapped[str] = mapped_column(sa.String(32))
    mobile: Mapped[str] = mapped_column(sa.String(11), default="")
    skill_level: Mapped[str | None] = mapped_column(sa.String(32))
    has_mid_title: Mapped[bool] = mapped_column(default=False)
    # AP-M2
    can_guide_practice: Mapped[bool] = mapped_column(default=False)
    years_practice: Mapped[int] = mapped_column(default=0)
    is_backbone: Mapped[bool] = mapped_column(default=False)
    # AP-M3
    has_teaching_experience: Mapped[bool] = mapped_column(default=False)
    integrated_or_dual: Mapped[bool] = mapped_column(default=False)
    years_teaching: Mapped[int] = mapped_column(default=0)
    # AP-M4
    attests_ethics: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class TrainingAgreement(TimestampMixin, Base):
    """AP-A1: per apprentice, or one collective agreement for a batch of one occupation."""

    __tablename__ = "training_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    collective: Mapped[bool] = mapped_column(default=False)
    signed_on: Mapped[date]
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
