"""Apprentices and their enrolments (学籍), AP-E*, AP-W2, AP-P1, AP-P2; their mentors
(双导师, AP-M1..M4) and training agreements (AP-A1)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column


class EnrolmentState(StrEnum):
    DRAFT = "draft"  # entered by the enterprise, not yet sent
    SUBMITTED = "submitted"  # 学徒报名: awaiting the district
    RETURNED = "returned"
    REJECTED = "rejected"
    ACTIVE = "active"  # 学籍已建立
    SUSPENDED = "suspended"  # 休学/暂停
    WITHDRAWN = "withdrawn"  # 退出/流失
    TRANSFERRED = "transferred"  # moved to another programme
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return ENROLMENT_STATE_LABELS[self]

    @property
    def editable(self) -> bool:
        return self in (EnrolmentState.DRAFT, EnrolmentState.RETURNED)


ENROLMENT_STATE_LABELS = {
    EnrolmentState.DRAFT: "草稿",
    EnrolmentState.SUBMITTED: "待区级审核",
    EnrolmentState.RETURNED: "退回修改",
    EnrolmentState.REJECTED: "不予通过",
    EnrolmentState.ACTIVE: "在训",
    EnrolmentState.SUSPENDED: "暂停培训",
    EnrolmentState.WITHDRAWN: "已退出",
    EnrolmentState.TRANSFERRED: "已转出",
    EnrolmentState.COMPLETED: "已结业",
}

# AP-E5: states in which a person holds "the" enrolment; the partial unique index below
# lets the database refuse a second one even when two requests race.
HOLDING_STATES = ("submitted", "active", "suspended")
_HOLDING_SQL = "state IN ('submitted', 'active', 'suspended')"


class Apprentice(TimestampMixin, Base):
    """A person (real-name, AP-P1); one row per resident ID across all enterprises."""

    __tablename__ = "apprentice"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    resident_id: Mapped[str] = mapped_column(sa.String(18), unique=True)
    mobile: Mapped[str] = mapped_column(sa.String(11))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), unique=True)

    user = relationship("User", lazy="raise")


class Enrolment(TimestampMixin, Base):
    __tablename__ = "enrolment"
    __table_args__ = (
        sa.Index("uq_enrolment_one_holding_per_apprentice", "apprentice_id", unique=True,
                 postgresql_where=sa.text(_HOLDING_SQL), sqlite_where=sa.text(_HOLDING_SQL)),
        # The queues' filter and order (submitted_at, id): a page is read in index order.
        sa.Index("ix_enrolment_district_state_submitted", "district_code", "state",
                 "submitted_at", "id"),
        sa.Index("ix_enrolment_state_submitted", "state", "submitted_at", "id"),
        sa.Index("ix_enrolment_district_submitted", "district_code", "submitted_at", "id"),
        sa.Index("ix_enrolment_programme_state", "programme_id", "state"),
        sa.CheckConstraint("monthly_wage >= 0", name="wage_not_negative"),
        sa.CheckConstraint(
            "contract_end IS NULL OR contract_end >= contract_start", name="contract_dates"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"))
    apprentice_id: Mapped[int] = mapped_column(sa.ForeignKey("apprentice.id"), index=True)
    # Denormalised from the programme so scoping needs no join (C-DIST).
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))

    contract_start: Mapped[date]
    contract_end: Mapped[date | None]  # None = open-ended (AP-E1)
    insured_in_beijing: Mapped[bool]
    hire_type: Mapped[str] = mapped_column(sa.String(16))
    dispatched: Mapped[bool] = mapped_column(default=False)  # AP-E3 劳务派遣
    monthly_wage: Mapped[int]  # yuan (AP-E6)
    # The name and mobile the enterprise stated for a person already on file: the shared
    # person record changes only when this enrolment is established (audited), never by a draft.
    stated_name: Mapped[str | None] = mapped_column(sa.String(32))
    stated_mobile: Mapped[str | None] = mapped_column(sa.String(11))

    @property
    def person_name(self) -> str:
        """The name this enrolment goes by: as stated, else the person on file."""
        return self.stated_name or self.apprentice.name

    @property
    def person_mobile(self) -> str:
        return self.stated_mobile or self.apprentice.mobile

    enterprise_mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mentor.id"))
    teacher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mentor.id"))
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("training_agreement.id"))

    state: Mapped[EnrolmentState] = mapped_column(
        enum_column(EnrolmentState), default=EnrolmentState.DRAFT
    )
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    established_on: Mapped[date | None]  # 学籍建立日: fixes the catalogue version (AP-P5)
    urgent: Mapped[bool | None]  # catalogue facts on established_on (AP-P5)
    in_assessment_scope: Mapped[bool | None]
    ended_on: Mapped[date | None]

    programme = relationship("Programme", lazy="raise")
    apprentice = relationship("Apprentice", lazy="raise")
    enterprise_mentor = relationship("Mentor", foreign_keys=[enterprise_mentor_id], lazy="raise")
    teacher = relationship("Mentor", foreign_keys=[teacher_id], lazy="raise")

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
