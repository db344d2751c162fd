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
    INSPECTION_PHOTO = "inspection_photo"  # 监督检查现场照片 (AP-V1)

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
    DocumentKind.INSPECTION_PHOTO: "监督检查现场照片",
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


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"queued": "排队中", "running": "进行中", "done": "已完成",
                "failed": "失败"}[self.value]


class Job(Base):
    """Background work with progress (issue 14): an export or import that outlives the request.
    Belongs to the user who started it; its output file sits in the upload store."""

    __tablename__ = "job"
    __table_args__ = (sa.Index("ix_job_user_created", "user_id", "created_at"),)

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # random hex
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(48))
    params: Mapped[str] = mapped_column(sa.Text, default="{}")  # JSON
    state: Mapped[JobState] = mapped_column(enum_column(JobState), default=JobState.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.String(300), default="")
    result_name: Mapped[str] = mapped_column(sa.String(200), default="")  # download file name
    result_stored: Mapped[str] = mapped_column(sa.String(64), default="")  # name in the store
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ReportCache(Base):
    """A dashboard figure set computed once and reused until it is stale (issue 14)."""

    __tablename__ = "report_cache"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    payload: Mapped[str] = mapped_column(sa.Text)  # JSON
    computed_at: Mapped[datetime]
