"""Supervision (AP-V1..V4, HS-W10, HS-$2): inspections and their reproducible samples,
summons and rectification orders, fraud cases, third-party audits and performance
evaluations.

Each class is owned by one part of `portal.supervision`; the migrations that create them
are `20261209_…_supervision` (inspections, summons, rectifications, fraud) and
`20261210_…_audits` (audit grants and results, evaluations).
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column, utcnow

# --- AP-V1: inspections ------------------------------------------------------------------


class InspectionKind(StrEnum):
    VIDEO = "video"  # 视频抽查
    ONSITE = "onsite"  # 现场抽查

    @property
    def label(self) -> str:
        return {"video": "视频抽查", "onsite": "现场抽查"}[self.value]


class InspectionResult(StrEnum):
    CLEAR = "clear"  # 未发现问题
    PROBLEMS = "problems"  # 发现问题，需整改
    SERIOUS = "serious"  # 问题严重（转约谈）

    @property
    def label(self) -> str:
        return {"clear": "未发现问题", "problems": "发现问题", "serious": "问题严重"}[self.value]


class InspectionSample(Base):
    """A reproducible random draw of a district's active programmes: the same seed over the
    same candidate list gives the same sample."""

    __tablename__ = "inspection_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    size: Mapped[int]  # programmes drawn
    percent: Mapped[int | None]  # when asked as a percentage
    candidates: Mapped[int]  # active programmes the draw was made from
    drawn_on: Mapped[date]
    drawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InspectionSampleItem(Base):
    __tablename__ = "inspection_sample_item"
    __table_args__ = (sa.UniqueConstraint("sample_id", "programme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_sample.id"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    position: Mapped[int]


class Inspection(TimestampMixin, Base):
    """A video check or on-site spot check of one programme (AP-V1)."""

    __tablename__ = "inspection"
    __table_args__ = (
        sa.Index("ix_inspection_district_date", "district_code", "inspected_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    sample_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection_sample.id"))
    kind: Mapped[InspectionKind] = mapped_column(enum_column(InspectionKind))
    inspected_on: Mapped[date]
    method: Mapped[str] = mapped_column(sa.String(200), default="")
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    result: Mapped[InspectionResult] = mapped_column(enum_column(InspectionResult))
    inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    notified_at: Mapped[datetime | None]

    programme = relationship("Programme", lazy="raise")


class InspectionPhoto(Base):
    __tablename__ = "inspection_photo"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection.id"), index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"))


# --- AP-V2: summons and rectification -----------------------------------------------------


class SummonsState(StrEnum):
    HELD = "held"  # 已约谈，待整改
    CORRECTED = "corrected"  # 已整改
    REPORTED = "reported"  # 拒不整改，已报市级

    @property
    def label(self) -> str:
        return {"held": "已约谈", "corrected": "已整改", "reported": "已上报市级"}[self.value]


class Summons(TimestampMixin, Base):
    """约谈 of an enterprise's head about one programme (AP-V2)."""

    __tablename__ = "summons"
    __table_args__ = (sa.Index("ix_summons_district_state", "district_code", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection.id"))
    held_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    attendees: Mapped[str] = mapped_column(sa.String(500), default="")
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[SummonsState] = mapped_column(enum_column(SummonsState),
                                                default=SummonsState.HELD)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reported_at: Mapped[datetime | None]
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class Rectification(TimestampMixin, Base):
    """停训整改: the order that goes with a suspension, its deadline and its lifting.
    At most one open order per programme (partial unique index)."""

    __tablename__ = "rectification"
    __table_args__ = (
        sa.Index("uq_rectification_open_programme", "programme_id", unique=True,
                 postgresql_where=sa.text("lifted_on IS NULL"),
                 sqlite_where=sa.text("lifted_on IS NULL")),
        sa.Index("ix_rectification_district_deadline", "district_code", "deadline"),
        sa.CheckConstraint("deadline >= ordered_on", name="deadline_after_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"))
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    summons_id: Mapped[int | None] = mapped_column(sa.ForeignKey("summons.id"))
    ordered_on: Mapped[date]
    deadline: Mapped[date]
    order_text: Mapped[str] = mapped_column(sa.Text)
    ordered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    lifted_on: Mapped[date | None]
    lifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    lift_note: Mapped[str] = mapped_column(sa.Text, default="")


# --- AP-V3 / HS-$2: fraud -----------------------------------------------------------------


class Referral(StrEnum):
    NONE = "none"
    DISCIPLINE = "discipline"  # 移交纪检监察
    JUDICIAL = "judicial"  # 移交司法

    @property
    def label(self) -> str:
        return {"none": "未移交", "discipline": "移交纪检监察机关",
                "judicial": "移交司法机关"}[self.value]


class FraudCase(TimestampMixin, Base):
    """A fraud finding (骗取、套取补贴) on an organisation, with the programme or project
    concerned, the recoveries it opened and the referral."""

    __tablename__ = "fraud_case"
    __table_args__ = (
        sa.CheckConstraint("programme_id IS NULL OR hs_proposal_id IS NULL",
                           name="one_programme_or_project"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"))
    hs_proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hs_proposal.id"))
    found_on: Mapped[date]
    findings: Mapped[str] = mapped_column(sa.Text)
    referral: Mapped[Referral] = mapped_column(enum_column(Referral), default=Referral.NONE)
    referral_note: Mapped[str] = mapped_column(sa.String(500), default="")
    referred_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


# --- AP-V4 / HS-W10: third-party audits ---------------------------------------------------


class AuditGrant(Base):
    """The centre gives an audit firm read access to one programme or to a whole year."""

    __tablename__ = "audit_grant"
    __table_args__ = (
        sa.CheckConstraint("(programme_id IS NULL) != (year IS NULL)",
                           name="programme_or_year"),
        sa.Index("ix_audit_grant_firm_open", "firm_id", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"))
    year: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_on: Mapped[date | None]
    revoked_at: Mapped[datetime | None]


class AuditResult(TimestampMixin, Base):
    """A third-party audit's conclusion on one organisation for one year (AP-V4, HS-W10)."""

    __tablename__ = "audit_result"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    year: Mapped[int]
    firm_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    passed: Mapped[bool]
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    audited_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


# --- AP-V4: performance evaluation --------------------------------------------------------


class EvaluationIndicator(Base):
    """One line of the centre's indicator list (绩效评价指标), effective while active."""

    __tablename__ = "evaluation_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    max_score: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Evaluation(TimestampMixin, Base):
    """绩效评价 of an enterprise for a year by a district or the centre; a failed audit of the
    same enterprise and year forces 不合格 (一票否决)."""

    __tablename__ = "evaluation"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    year: Mapped[int]
    level: Mapped[str] = mapped_column(sa.String(16))  # "district" or "center"
    total: Mapped[int]
    conclusion: Mapped[str] = mapped_column(sa.String(16))  # 优秀/良好/合格/不合格
    vetoed: Mapped[bool] = mapped_column(default=False)
    veto_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    evaluated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class EvaluationScore(Base):
    __tablename__ = "evaluation_score"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_indicator.id"))
    score: Mapped[int]
