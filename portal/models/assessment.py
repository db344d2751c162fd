"""Joint assessment at the end of training (考核评价, AP-S1, AP-S2) and the certificates the
portal issues (AP-S1; the high-skill programme uses the same table)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"passed": "合格", "failed": "不合格"}[self.value]


class VocationalCertificateType(StrEnum):
    """AP-S2: the vocational certificates a skill assessment can award."""

    SKILL_LEVEL = "skill_level"
    QUALIFICATION = "qualification"
    SPECIAL_ABILITY = "special_ability"
    SAFETY = "safety"

    @property
    def label(self) -> str:
        return {
            "skill_level": "职业技能等级证书",
            "qualification": "职业资格证书",
            "special_ability": "专项职业能力证书",
            "safety": "安全生产或特种作业操作证书",
        }[self.value]


class Assessment(TimestampMixin, Base):
    """One apprentice's joint verdict: the enterprise's and the institution's must agree."""

    __tablename__ = "assessment"
    __table_args__ = (
        sa.CheckConstraint(
            "vocational_type IS NULL OR (vocational_number IS NOT NULL "
            "AND vocational_level IS NOT NULL AND vocational_issued_on IS NOT NULL)",
            name="vocational_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), unique=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)

    enterprise_verdict: Mapped[Verdict | None] = mapped_column(
        enum_column(Verdict, name="enterprise_verdict"))
    enterprise_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    enterprise_at: Mapped[datetime | None]
    institution_verdict: Mapped[Verdict | None] = mapped_column(
        enum_column(Verdict, name="institution_verdict"))
    institution_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    institution_at: Mapped[datetime | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    # AP-S2 vocational certificate, if one was earned.
    vocational_type: Mapped[VocationalCertificateType | None] = mapped_column(
        enum_column(VocationalCertificateType))
    vocational_level: Mapped[str | None] = mapped_column(sa.String(32))
    vocational_number: Mapped[str | None] = mapped_column(sa.String(40))
    vocational_issued_on: Mapped[date | None]

    # Set when both verdicts agree; the enrolment is then completed.
    agreed_verdict: Mapped[Verdict | None] = mapped_column(
        enum_column(Verdict, name="agreed_verdict"))
    agreed_at: Mapped[datetime | None]
    # Set when the final claim holding this apprentice is approved: no edits after (AP-W4).
    locked_at: Mapped[datetime | None]

    @property
    def has_vocational_certificate(self) -> bool:
        return self.vocational_type is not None

    @property
    def disagreement(self) -> bool:
        return (self.enterprise_verdict is not None and self.institution_verdict is not None
                and self.enterprise_verdict != self.institution_verdict)

    enrolment = relationship("Enrolment", lazy="raise")


class CertificateKind(StrEnum):
    TECHNICAL_SCHOOL_DIPLOMA = "technical_school_diploma"
    APPRENTICE_CERTIFICATE = "apprentice_certificate"
    HS_COMPLETION = "hs_completion"  # HS-W9

    @property
    def label(self) -> str:
        return {
            "technical_school_diploma": "技工院校毕业证书",
            "apprentice_certificate": "企业新学徒培训合格证书",
            "hs_completion": "北京市高技能人才研修培训结业证书",
        }[self.value]


class Certificate(TimestampMixin, Base):
    """A numbered, publicly verifiable certificate; revoked, never deleted."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, not sequential: a neighbour's number cannot be guessed from one's own.
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind))
    enrolment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enrolment.id"), unique=True)
    apprentice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("apprentice.id"), index=True)
    hs_trainee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hs_trainee.id"), unique=True)
    holder_name: Mapped[str] = mapped_column(sa.String(32))
    # What the certificate is for, as printed: occupation, level, programme, issuer.
    title: Mapped[str] = mapped_column(sa.String(200))
    issuer_name: Mapped[str] = mapped_column(sa.String(120))
    issued_on: Mapped[date]
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    @property
    def valid(self) -> bool:
        return self.revoked_at is None

    enrolment = relationship("Enrolment", lazy="raise")
