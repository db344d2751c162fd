"""The review chain shared by organisations, programmes and other reviewed files (C-REV)."""

from enum import StrEnum


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
