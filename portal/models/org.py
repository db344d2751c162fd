"""Organisations: enterprises and training institutions."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column
from portal.models.review import ReviewState


class OrgKind(StrEnum):
    ENTERPRISE = "enterprise"
    INSTITUTION = "institution"
    HOST = "host"  # a high-skill host that is neither (university, research institute; HS-H1)
    AUDIT_FIRM = "audit_firm"  # 第三方机构 the centre commissions (AP-V4, HS-W10)

    @property
    def label(self) -> str:
        return {"enterprise": "企业", "institution": "培训机构", "host": "承办单位",
                "audit_firm": "第三方机构"}[self.value]


institution_occupation = sa.Table(
    "institution_occupation",
    Base.metadata,
    sa.Column("org_id", sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("occupation_id", sa.ForeignKey("occupation.id"), primary_key=True),
)


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisation"
    __table_args__ = (
        sa.Index("ix_organisation_district_state", "district_code", "state"),
        sa.CheckConstraint(
            "licence_valid_to IS NULL OR licence_valid_from IS NULL "
            "OR licence_valid_to >= licence_valid_from",
            name="licence_dates_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind), index=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(32), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(11), default="")
    state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState), default=ReviewState.DRAFT
    )
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    # Enterprise facts (AP-N1, AP-N3, AP-N4)
    size: Mapped[str | None] = mapped_column(sa.String(16))
    state_owned: Mapped[bool] = mapped_column(default=False)
    four_centres: Mapped[bool] = mapped_column(default=False)
    # AP-N4: a group's subsidiary with few trainees may entrust training like 中小微 ones.
    subsidiary: Mapped[bool] = mapped_column(default=False)
    attests_training_system: Mapped[bool] = mapped_column(default=False)

    # Institution facts (AP-I1..I3)
    institution_type: Mapped[str | None] = mapped_column(sa.String(32))
    independent_legal_person: Mapped[bool] = mapped_column(default=False)
    licence_no: Mapped[str | None] = mapped_column(sa.String(64))
    licence_authority: Mapped[str | None] = mapped_column(sa.String(120))
    licence_valid_from: Mapped[date | None]
    licence_valid_to: Mapped[date | None]
    attests_conditions: Mapped[bool] = mapped_column(default=False)

    # High-skill host facts (HS-H1, HS-$2).
    host_type: Mapped[str | None] = mapped_column(sa.String(32))  # models.high_skill.HostType
    hs_disqualified_at: Mapped[datetime | None]
    hs_disqualified_reason: Mapped[str] = mapped_column(sa.Text, default="")

    # The business licence (enterprise) or school-running licence (institution).
    licence_document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("document.id", use_alter=True)
    )

    district = relationship("District", lazy="raise")
    licence_document = relationship("Document", foreign_keys=[licence_document_id], lazy="raise")
    licensed_occupations = relationship(
        "Occupation", secondary=institution_occupation, lazy="raise"
    )

    @property
    def is_enterprise(self) -> bool:
        return self.kind == OrgKind.ENTERPRISE


class District(Base):
    __tablename__ = "district"

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(32), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
