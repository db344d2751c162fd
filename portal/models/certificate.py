"""Certificates the portal issues (AP-S1; the high-skill programme uses the same table)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column


class CertificateKind(StrEnum):
    TECHNICAL_SCHOOL_DIPLOMA = "technical_school_diploma"
    APPRENTICE_CERTIFICATE = "apprentice_certificate"

    @property
    def label(self) -> str:
        return {
            "technical_school_diploma": "技工院校毕业证书",
            "apprentice_certificate": "企业新学徒培训合格证书",
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
