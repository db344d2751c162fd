"""AP-W3, AP-W4, C-REV: the steps of a subsidy claim, declared once.

draft/returned → submitted (enterprise) → district_approved (district) → approved (centre)
→ paid (centre records the payment). Either review may return or reject.
A high-skill funding claim (HS-$1) skips the district: submitted (host) → approved (centre)
→ paid; the centre may return or reject.
"""

from portal.core.workflow import Transition, Workflow
from portal.models import ClaimState

OBJECT_TYPE = "claim"

CLAIM_WORKFLOW = Workflow(OBJECT_TYPE, (
    Transition("submit", (ClaimState.DRAFT, ClaimState.RETURNED), ClaimState.SUBMITTED,
               "submit", stamps=("submitted_at",),
               conflict="该申请已提交，不能重复提交（规则 AP-W4）"),
    Transition("district_approve", (ClaimState.SUBMITTED,), ClaimState.DISTRICT_APPROVED,
               "district_review", stamps=("decided_at",), comment_column="last_comment",
               logged_as="approve", conflict="该申请不在待区级审核状态（规则 AP-W4）"),
    Transition("district_return", (ClaimState.SUBMITTED,), ClaimState.RETURNED,
               "district_review", requires="comment", stamps=("decided_at",),
               comment_column="last_comment", logged_as="return",
               conflict="该申请不在待区级审核状态（规则 AP-W4）"),
    Transition("district_reject", (ClaimState.SUBMITTED,), ClaimState.REJECTED,
               "district_review", requires="reason", stamps=("decided_at",),
               comment_column="last_comment", logged_as="reject",
               conflict="该申请不在待区级审核状态（规则 AP-W4）"),
    Transition("centre_approve", (ClaimState.DISTRICT_APPROVED,), ClaimState.APPROVED,
               "centre_review", stamps=("decided_at",), comment_column="last_comment",
               logged_as="approve", conflict="该申请不在待市级审批状态（规则 AP-W4）"),
    Transition("centre_return", (ClaimState.DISTRICT_APPROVED,), ClaimState.RETURNED,
               "centre_review", requires="comment", stamps=("decided_at",),
               comment_column="last_comment", logged_as="return",
               conflict="该申请不在待市级审批状态（规则 AP-W4）"),
    Transition("centre_reject", (ClaimState.DISTRICT_APPROVED,), ClaimState.REJECTED,
               "centre_review", requires="reason", stamps=("decided_at",),
               comment_column="last_comment", logged_as="reject",
               conflict="该申请不在待市级审批状态（规则 AP-W4）"),
    Transition("pay", (ClaimState.APPROVED,), ClaimState.PAID, "pay",
               conflict="该申请已拨付或尚未批准，不能重复记录拨付（规则 AP-W4）"),
    # HS-$1: a high-skill claim has no district step: the host submits, the centre reviews
    # (C-REV), then the same "pay" step as above.
    Transition("hs_submit", (ClaimState.DRAFT, ClaimState.RETURNED), ClaimState.SUBMITTED,
               "hs_submit", stamps=("submitted_at",), logged_as="submit",
               conflict="该经费申请已提交，不能重复提交（规则 HS-$1）"),
    *(Transition(f"hs_{d}", (ClaimState.SUBMITTED,), target, "hs_review", requires=requires,
                 stamps=("decided_at",), comment_column="last_comment", logged_as=d,
                 conflict="该经费申请不在待市级审核状态（规则 HS-$1）")
      for d, target, requires in (("approve", ClaimState.APPROVED, None),
                                  ("return", ClaimState.RETURNED, "comment"),
                                  ("reject", ClaimState.REJECTED, "reason"))),
))
