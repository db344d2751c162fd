"""The review chain shared by organisations, programmes and other reviewed files (C-REV), and
what a record looked like when it was returned (changes since the return)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class ReviewState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # awaiting the district
    RETURNED = "returned"  # 退回修改: the owner edits and resubmits
    DISTRICT_APPROVED = "district_approved"  # awaiting the municipal centre
    APPROVED = "approved"  # confirmed by the centre
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return REVIEW_STATE_LABELS[self]

    @property
    def editable(self) -> bool:
        """AP-W4: only a draft or a returned record can be edited by its owner."""
        return self in (ReviewState.DRAFT, ReviewState.RETURNED)


REVIEW_STATE_LABELS = {
    ReviewState.DRAFT: "草稿",
    ReviewState.SUBMITTED: "待区级审核",
    ReviewState.RETURNED: "退回修改",
    ReviewState.DISTRICT_APPROVED: "待市级复核",
    ReviewState.APPROVED: "已通过",
    ReviewState.REJECTED: "不予通过",
}


class ReturnSnapshot(Base):
    """The reviewable fields of a record at its return, and the fields the reviewer pointed
    at; the resubmission is compared with the latest one."""

    __tablename__ = "return_snapshot"
    __table_args__ = (sa.Index("ix_return_snapshot_object", "object_type", "object_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(sa.String(32))
    object_id: Mapped[int]
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {label: shown value}, in the order the record's page shows them.
    fields: Mapped[dict] = mapped_column(sa.JSON)
    pointed: Mapped[list] = mapped_column(sa.JSON, default=list)
