"""C-REV, AP-W1, AP-W4: the one transition engine every stateful record goes through.

Each record kind declares its transitions once, as data (`Transition`), in a `Workflow`;
`Workflow.apply` is the only code that moves a state column. Side effects specific to a
record (seats, the student record, applying a change of status) stay in that domain's
service, around the call.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import sqlalchemy as sa

from portal import rules
from portal.core import audit, notify, revisions
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
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


# C-REV: a return needs a comment for the submitter, a rejection a reason. One wording for
# every queue, whether its buttons say 通过 or 批准.
COMMENT_REQUIRED = "退回修改须填写修改意见，不予通过须填写理由（规则 C-REV）"
UNKNOWN_ACTION = "不支持的审核操作"
NOT_PERMITTED = "您无权对该记录执行此操作"


@dataclass(frozen=True)
class Transition:
    """One step: `action` from any of `sources` to `target`, if `can(actor, permission, obj)`.

    `requires` names what the actor must write (a return's comment, a rejection's reason).
    `stamps` are columns set to now, `actor_column` gets the actor's id, `comment_column`
    keeps the comment on the record itself. `logged_as` is the audit action when several
    steps share one (district and centre both "approve"). `refusal` answers a failed
    permission, `conflict` a wrong state.
    """

    action: str
    sources: tuple[str, ...]
    target: str
    permission: str
    requires: Literal["comment", "reason"] | None = None
    stamps: tuple[str, ...] = ()
    actor_column: str | None = None
    comment_column: str | None = None
    logged_as: str | None = None
    refusal: str = NOT_PERMITTED
    conflict: str | None = None

    @property
    def audit_action(self) -> str:
        return str(self.logged_as or self.action)


class Workflow:
    """The transitions of one record kind (`object_type` is its name in the audit log)."""

    def __init__(self, object_type: str, transitions: Iterable[Transition],
                 state_column: str = "state"):
        self.object_type = object_type
        self.state_column = state_column
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if str(t.action) in self.transitions:
                raise ValueError(f"{object_type}: transition {t.action!r} declared twice")
            self.transitions[str(t.action)] = t

    def __repr__(self) -> str:
        return f"Workflow({self.object_type!r}, {sorted(self.transitions)})"

    def check(self, actor, obj, action: str, comment: str = "") -> Transition:
        """Every refusal `apply` would raise before writing, in the order the user reads them:
        unknown step, missing comment or reason (C-REV), wrong state, no permission."""
        t = self.transitions.get(str(action))
        if t is None:
            raise NotAllowed(UNKNOWN_ACTION)
        if t.requires and not (comment or "").strip():
            raise ServiceError(COMMENT_REQUIRED)
        if getattr(obj, self.state_column) not in t.sources:
            raise StateConflict(t.conflict) if t.conflict else StateConflict()
        if not can(actor, t.permission, obj):
            raise NotAllowed(t.refusal)
        return t

    def available(self, actor, obj) -> list[str]:
        """The actions `actor` may take on `obj` now (comments aside)."""
        state = getattr(obj, self.state_column)
        return [t.action for t in self.transitions.values()
                if state in t.sources and can(actor, t.permission, obj)]

    def apply(self, actor, obj, action: str, comment: str = "", values: dict | None = None,
              pointed: Iterable[str] = ()):
        """Move `obj` along `action`, or raise; audited with from → to; flushed, never committed.

        `values` are further columns the step writes in the same guarded UPDATE. A return
        keeps a snapshot of the record's fields, with the fields the reviewer `pointed` at
        (core.revisions: what changed since the return).
        """
        comment = (comment or "").strip()
        t = self.check(actor, obj, action, comment)
        from_state = getattr(obj, self.state_column)
        now = utcnow()
        changes = {self.state_column: t.target, **dict.fromkeys(t.stamps, now)}
        if t.actor_column:
            changes[t.actor_column] = actor.id
        if t.comment_column:
            changes[t.comment_column] = comment
        changes |= values or {}
        guarded_update(obj, self.state_column, from_state, changes, t.conflict)
        audit.record(actor, self.object_type, obj.id, t.audit_action,
                     from_state=from_state, to_state=t.target, comment=comment)
        # C-AUD / issue 14: the owner hears of a decision in the decision's transaction.
        notify.decision_notice(self.object_type, obj, t.audit_action, comment,
                               step=notify.STEPS.get(str(t.action).split("_")[0], ""))
        if str(t.target) == revisions.RETURNED:
            revisions.take(self.object_type, obj, pointed)
        db.session.flush()
        return t.target


def guarded_update(obj, state_column: str, expected, values: dict,
                   conflict: str | None = None) -> None:
    """UPDATE … WHERE id = :id AND <state> = :expected, and exactly one row must change.

    SQLite ignores SELECT … FOR UPDATE, so a check-then-write could let two reviewers'
    clicks both succeed; this conditional update wins once on both databases (on
    PostgreSQL the loser waits for the winner's commit, then matches no row).
    """
    model = type(obj)
    changed = db.session.execute(
        sa.update(model)
        .where(model.id == obj.id, getattr(model, state_column) == expected)
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise StateConflict(conflict) if conflict else StateConflict()
    db.session.refresh(obj)


def decision_action(decision, decisions: type[StrEnum] = Decision) -> str:
    """A reviewer's decision as the action it names; a decide() entry point offers no other
    step (a posted "cancel" must not reach the owner's transitions)."""
    allowed = {d.value for d in decisions}
    value = getattr(decision, "value", decision)
    if value not in allowed:
        raise NotAllowed(UNKNOWN_ACTION)
    return value


# --- The review chain of organisations and programmes (AP-W1, AP-W4) -----------------------

S = ReviewState


def review_action(step: str, decision: Decision) -> str:
    """The chain's action name for a reviewer's decision at `step` ("district", "center")."""
    # Anything but a Decision names no transition, so `apply` refuses it as unknown.
    return f"{step}_{getattr(decision, 'value', decision)}"


def review_steps(step: str, source: ReviewState, approved: ReviewState) -> list[Transition]:
    targets = {Decision.APPROVE: approved, Decision.RETURN: S.RETURNED,
               Decision.REJECT: S.REJECTED}
    requires = {Decision.RETURN: "comment", Decision.REJECT: "reason"}
    return [Transition(review_action(step, d), (source,), target, f"{step}_review",
                       requires=requires.get(d), stamps=("decided_at",), logged_as=d.value)
            for d, target in targets.items()]


# Submit, then district, then centre; anything else is refused (AP-W4).
REVIEW_CHAIN: tuple[Transition, ...] = (
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, "submit",
               stamps=("submitted_at",)),
    *review_steps("district", S.SUBMITTED, S.DISTRICT_APPROVED),
    *review_steps("center", S.DISTRICT_APPROVED, S.APPROVED),
)


def chain_reviewer(workflow: Workflow, step: str):
    """The `step` reviewer's decision ("district", "center") on a record of the review chain:
    `review(actor, obj, decision, comment, pointed=())`, `pointed` the fields a return names."""

    def review(actor, obj, decision, comment: str = "", pointed: Iterable[str] = ()):
        return workflow.apply(actor, obj, review_action(step, decision), comment,
                              pointed=pointed)

    review.__name__ = f"{step}_review"
    return review


@dataclass
class BulkResult:
    approved: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # record id → why (shown on its row)


def decide_each(decide: Callable[[object], object], records: Iterable) -> BulkResult:
    """C-REV bulk approval: each record through its own decision, per-record results. Every
    refusal is raised before anything of that record is written (the checks, then one guarded
    UPDATE), so the others go ahead in the same transaction."""
    result = BulkResult()
    for record in records:
        try:
            decide(record)
        except (ServiceError, rules.RuleViolation) as err:
            result.refused[record.id] = getattr(err, "message", None) or str(err)
        else:
            result.approved.append(record.id)
    return result
