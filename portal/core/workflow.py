"""C-REV, AP-W1, AP-W4: the one review state machine shared by every reviewed record."""

from enum import StrEnum

from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.guards import guarded_update
from portal.extensions import db
from portal.models import ReviewState
from portal.models.base import utcnow


class Decision(StrEnum):
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"

    @property
    def label(self) -> str:
        return {"approve": "通过", "return": "退回修改", "reject": "不予通过"}[self.value]


S = ReviewState

# C-REV: a return needs a comment for the submitter, a rejection a reason.
COMMENT_REQUIRED = "退回修改须填写修改意见，不予通过须填写理由（规则 C-REV）"

# (step, decision) → (permission, from-states, to-state). Anything else is refused (AP-W4).
TRANSITIONS: dict[tuple[str, Decision | None], tuple[str, tuple[ReviewState, ...], ReviewState]] = {
    ("submit", None): ("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED),
    ("district", Decision.APPROVE): ("district_review", (S.SUBMITTED,), S.DISTRICT_APPROVED),
    ("district", Decision.RETURN): ("district_review", (S.SUBMITTED,), S.RETURNED),
    ("district", Decision.REJECT): ("district_review", (S.SUBMITTED,), S.REJECTED),
    ("center", Decision.APPROVE): ("center_review", (S.DISTRICT_APPROVED,), S.APPROVED),
    ("center", Decision.RETURN): ("center_review", (S.DISTRICT_APPROVED,), S.RETURNED),
    ("center", Decision.REJECT): ("center_review", (S.DISTRICT_APPROVED,), S.REJECTED),
}


def transition(actor, obj, object_type: str, step: str, decision: Decision | None = None,
               comment: str = "") -> ReviewState:
    """Move `obj` one step along the chain, or raise; audited; the caller commits."""
    try:
        permission, sources, target = TRANSITIONS[(step, decision)]
    except KeyError:
        raise NotAllowed("不支持的审核操作") from None
    comment = (comment or "").strip()
    if decision in (Decision.RETURN, Decision.REJECT) and not comment:
        raise ServiceError(COMMENT_REQUIRED)
    if obj.state not in sources:
        raise StateConflict()
    if not can(actor, permission, obj):
        raise NotAllowed("您无权对该记录执行此操作")
    now = utcnow()
    from_state = obj.state
    # Wins once even when two reviewers click at the same moment.
    guarded_update(obj, "state", from_state, {
        "state": target, ("submitted_at" if step == "submit" else "decided_at"): now,
    })
    audit.record(actor, object_type, obj.id, decision.value if decision else step,
                 from_state=from_state, to_state=target, comment=comment)
    db.session.flush()
    return target
