"""Uploaded files; bytes live under UPLOAD_DIR (outside static/), rows hold the metadata."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, enum_column, utcnow


class DocumentKind(StrEnum):
    BUSINESS_LICENCE = "business_licence"  # 营业执照 (AP-N1)
    SCHOOL_LICENCE = "school_licence"  # 办学许可证/培训资质 (AP-I2)
    COOPERATION_AGREEMENT = "cooperation_agreement"  # 企业新型学徒培训合作协议 (AP-A2)
    ENTRUSTMENT_AGREEMENT = "entrustment_agreement"  # 委托培训协议 (AP-N4)
    SESSION_EVIDENCE = "session_evidence"  # 培训现场照片 (AP-P3)
    TRAINING_AGREEMENT = "training_agreement"  # 企业新型学徒培训协议 (AP-A1)
    HS_WORK_SUMMARY = "hs_work_summary"  # 学员研修工作总结 (HS-P5)
    HS_PROJECT_SUMMARY = "hs_project_summary"  # 研修培训工作总结 (HS-W8)

    @property
    def label(self) -> str:
        return DOCUMENT_KIND_LABELS[self]


DOCUMENT_KIND_LABELS = {
    DocumentKind.BUSINESS_LICENCE: "营业执照",
    DocumentKind.SCHOOL_LICENCE: "办学许可证或培训资质证明",
    DocumentKind.COOPERATION_AGREEMENT: "企业新型学徒培训合作协议",
    DocumentKind.ENTRUSTMENT_AGREEMENT: "委托培训协议",
    DocumentKind.SESSION_EVIDENCE: "培训现场照片",
    DocumentKind.TRAINING_AGREEMENT: "企业新型学徒培训协议",
    DocumentKind.HS_WORK_SUMMARY: "学员研修工作总结",
    DocumentKind.HS_PROJECT_SUMMARY: "研修培训工作总结",
}


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    owner_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    # The owner's district, so district scoping needs no join (C-DIST).
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(128))  # .docx's is 71 long
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
