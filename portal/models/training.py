"""Credits, class sessions, check-ins, evidence, leave and status changes (AP-C4, AP-P2..P4)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column, utcnow
from portal.rules.checkin import LocationProblem


class CreditRecord(Base):
    """Completed hours of one apprentice (AP-C4: credits = hours ÷ 10)."""

    __tablename__ = "credit_record"
    __table_args__ = (sa.CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    recorded_by_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    course_type: Mapped[str] = mapped_column(sa.String(16))  # general / theory / practice
    mode: Mapped[str] = mapped_column(sa.String(16))  # centralised / on_job
    hours: Mapped[int]
    on_day: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClassSession(TimestampMixin, Base):
    """A class meeting trainees check in to by scanning a rotating QR code (or typing its
    6-digit code); optionally with a location check around the teacher (AP-P1)."""

    __tablename__ = "class_session"
    __table_args__ = (
        sa.CheckConstraint(
            "radius_m IS NULL OR (centre_latitude IS NOT NULL AND centre_longitude IS NOT NULL)",
            name="radius_has_centre"),
        sa.CheckConstraint("(programme_id IS NULL) != (hs_proposal_id IS NULL)",
                           name="one_programme_or_project"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # An apprenticeship class belongs to a programme, a high-skill one to its project.
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    hs_proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hs_proposal.id"),
                                                       index=True)
    # HS-P4 format of a high-skill session (on-site, keynote, seminar…) and its hours.
    hs_format: Mapped[str | None] = mapped_column(sa.String(16))
    hs_hours: Mapped[int | None]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(sa.String(120))
    starts_at: Mapped[datetime]
    late_after_minutes: Mapped[int] = mapped_column(default=10)
    closed_at: Mapped[datetime | None]
    # AP-P1 location check: on while a radius is set; the centre is the teacher's browser's
    # position when it was turned on.
    radius_m: Mapped[int | None]
    centre_latitude: Mapped[float | None]
    centre_longitude: Mapped[float | None]

    programme = relationship("Programme", lazy="raise")


class DeviceFlag(StrEnum):
    """AP-P1: why a check-in's phone needs the teacher's look."""

    SHARED = "shared"  # another account checked in to the same session from this phone
    FORGED = "forged"  # the phone's device cookie failed its signature

    @property
    def label(self) -> str:
        return {"shared": "同一设备", "forged": "设备标识异常"}[self.value]


class CheckIn(Base):
    __tablename__ = "check_in"
    # One check-in per trainee per session, enforced by the database.
    __table_args__ = (
        sa.UniqueConstraint("session_id", "enrolment_id"),
        sa.UniqueConstraint("session_id", "hs_trainee_id"),
        sa.CheckConstraint("(enrolment_id IS NULL) != (hs_trainee_id IS NULL)",
                           name="one_enrolment_or_trainee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("class_session.id"), index=True)
    # An apprentice's enrolment, or a high-skill trainee (the same phone check-in).
    enrolment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    hs_trainee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hs_trainee.id"),
                                                      index=True)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)
    # AP-P1: flags for the teacher, never refusals. The device id is the random id of the
    # phone's signed cookie (no fingerprinting).
    device_id: Mapped[str | None] = mapped_column(sa.String(24))
    device_flag: Mapped[DeviceFlag | None] = mapped_column(enum_column(DeviceFlag))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[int | None]
    distance_m: Mapped[int | None]
    location_flag: Mapped[LocationProblem | None] = mapped_column(enum_column(LocationProblem))


class SessionEvidence(Base):
    """AP-P3: photos or videos of the training site attached to a session."""

    __tablename__ = "session_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("class_session.id"), index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LeaveState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    RETURNED = "returned"  # 销假

    @property
    def label(self) -> str:
        return {"requested": "待审批", "approved": "已批准", "rejected": "未批准",
                "cancelled": "已撤回", "returned": "已销假"}[self.value]


class LeaveRequest(TimestampMixin, Base):
    __tablename__ = "leave_request"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(500))
    state: Mapped[LeaveState] = mapped_column(enum_column(LeaveState),
                                              default=LeaveState.REQUESTED)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    returned_on: Mapped[date | None]


class StatusChangeKind(StrEnum):
    SUSPEND = "suspend"
    RESUME = "resume"
    EXTEND = "extend"
    WITHDRAW = "withdraw"
    TRANSFER = "transfer"

    @property
    def label(self) -> str:
        return {"suspend": "暂停培训", "resume": "恢复培训", "extend": "延长培养期",
                "withdraw": "退出培训", "transfer": "转出"}[self.value]


class ChangeState(StrEnum):
    SUBMITTED = "submitted"  # awaiting the district
    RETURNED = "returned"  # 退回修改: the enterprise edits and resubmits
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # withdrawn by the enterprise before a decision

    @property
    def label(self) -> str:
        return {"submitted": "待区级审核", "returned": "退回修改", "approved": "已批准",
                "rejected": "不予批准", "cancelled": "已撤回"}[self.value]

    @property
    def editable(self) -> bool:
        return self == ChangeState.RETURNED


_OPEN_SQL = "state IN ('submitted', 'returned')"


class StatusChange(TimestampMixin, Base):
    """学籍异动 requested by the enterprise and approved by the district (AP-P2)."""

    __tablename__ = "status_change"
    __table_args__ = (
        sa.Index("ix_status_change_district_state", "district_code", "state"),
        # One open change per enrolment, enforced by the database as well as the service.
        sa.Index("uq_status_change_one_open_per_enrolment", "enrolment_id", unique=True,
                 postgresql_where=sa.text(_OPEN_SQL), sqlite_where=sa.text(_OPEN_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    kind: Mapped[StatusChangeKind] = mapped_column(enum_column(StatusChangeKind))
    reason: Mapped[str] = mapped_column(sa.String(500))
    effective_on: Mapped[date]
    extension_months: Mapped[int | None]
    target_programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"))
    state: Mapped[ChangeState] = mapped_column(enum_column(ChangeState),
                                               default=ChangeState.SUBMITTED)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
    # An approved change takes effect on `effective_on`: until then it is scheduled.
    applied_at: Mapped[datetime | None]
    # Why the daily job could not apply a due change (e.g. the target programme is full).
    apply_error: Mapped[str | None] = mapped_column(sa.String(300))

    @property
    def scheduled(self) -> bool:
        """Approved and not yet in effect (AP-P2: a change takes effect on its date)."""
        return self.state == ChangeState.APPROVED and self.applied_at is None
