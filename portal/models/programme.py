"""Apprenticeship training programmes (培训项目/开班申请), reviewed along AP-W1."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column
from portal.models.review import ReviewState


class Programme(TimestampMixin, Base):
    __tablename__ = "programme"
    __table_args__ = (
        sa.Index("ix_programme_district_state", "district_code", "state"),
        sa.Index("ix_programme_state_submitted", "state", "submitted_at"),
        sa.CheckConstraint("planned_count > 0", name="planned_positive"),
        sa.CheckConstraint("duration_months > 0", name="duration_positive"),
        sa.CheckConstraint(
            "general_hours >= 0 AND theory_hours >= 0 AND practice_hours >= 0 "
            "AND centralised_hours >= 0 AND on_job_hours >= 0",
            name="hours_not_negative",
        ),
        sa.CheckConstraint("enterprise_id != institution_id", name="two_parties"),
        # Headcount is a guarded counter: UPDATE ... WHERE enrolled_count < planned_count.
        sa.CheckConstraint("enrolled_count <= planned_count", name="within_headcount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    # The enterprise's district: the programme is reviewed there (C-DIST).
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    occupation_id: Mapped[int] = mapped_column(sa.ForeignKey("occupation.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(32))
    planned_count: Mapped[int]
    # Seats taken by enrolments that hold a place (submitted, active, suspended).
    enrolled_count: Mapped[int] = mapped_column(default=0, server_default="0")
    start_date: Mapped[date] = mapped_column(index=True)
    duration_months: Mapped[int]
    # AP-C3: why the length differs from the level's standard, shorter or longer (the name is
    # from when only longer plans needed one); reviewers see it beside the flag.
    extension_reason: Mapped[str] = mapped_column(sa.Text, default="")

    # AP-C1 course plan and AP-C4 credits (hours; 1 credit = 10 hours).
    general_hours: Mapped[int] = mapped_column(default=0)
    theory_hours: Mapped[int] = mapped_column(default=0)
    practice_hours: Mapped[int] = mapped_column(default=0)
    centralised_hours: Mapped[int] = mapped_column(default=0)
    on_job_hours: Mapped[int] = mapped_column(default=0)
    # AP-C2 delivery modes, comma-separated codes.
    delivery_modes: Mapped[str] = mapped_column(sa.String(80), default="")
    # AP-C5 textbooks chosen, one per line; filed with the district when submitted.
    textbooks: Mapped[str] = mapped_column(sa.Text, default="")

    # AP-N4 entrusted training by a small or micro enterprise.
    entrusted_enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    entrustment_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    # AP-A2 cooperation agreement, required before submission.
    agreement_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))

    # The institution's consent to its part (AP-W1: both sides apply).
    institution_confirmed_at: Mapped[datetime | None]
    institution_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState), default=ReviewState.DRAFT
    )
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    # AP-V2 停训: while set, the programme enrols no one and claims nothing.
    suspended_on: Mapped[date | None]
    suspension_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Closed when its final claim is paid and every recovery is settled (AP-W3).
    closed_on: Mapped[date | None]

    enterprise = relationship("Organisation", foreign_keys=[enterprise_id], lazy="raise")
    institution = relationship("Organisation", foreign_keys=[institution_id], lazy="raise")
    entrusted_enterprise = relationship(
        "Organisation", foreign_keys=[entrusted_enterprise_id], lazy="raise"
    )
    occupation = relationship("Occupation", lazy="raise")
    district = relationship("District", lazy="raise")
