"""AP-P2: approved changes of status take effect on their effective date.

A change approved for a later day is scheduled; `apply_due` (the daily job
`flask --app wsgi apply-due-changes`, and the demo's start) applies each change whose day
has come, each in its own transaction, so one that cannot be applied (the target programme
has filled up meanwhile) is recorded on the change and does not hold up the others.
"""

from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.status import services as changes
from portal.clock import today
from portal.core import audit
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import ChangeState, StatusChange

ERROR_MAX = 300


def due(day: date) -> sa.Select:
    return (sa.select(StatusChange.id)
            .where(StatusChange.state == ChangeState.APPROVED,
                   StatusChange.applied_at.is_(None), StatusChange.effective_on <= day)
            .order_by(StatusChange.effective_on, StatusChange.id))


def apply_due(day: date | None = None) -> tuple[int, int]:
    """Apply every scheduled change due on `day` (today); (applied, not applicable)."""
    day = day or today()
    applied = failed = 0
    for change_id in db.session.scalars(due(day)).all():
        change = db.session.get(StatusChange, change_id)
        try:
            changes.apply_change(None, change, change.comment)
            db.session.commit()
            applied += 1
        except changes.AlreadyApplied:
            db.session.rollback()  # another run applied it meanwhile
        except (ServiceError, rules.RuleViolation) as refused:
            db.session.rollback()
            _record_failure(db.session.get(StatusChange, change_id),
                            getattr(refused, "message", None) or str(refused))
            db.session.commit()
            failed += 1
    return applied, failed


def _record_failure(change: StatusChange, message: str) -> None:
    message = message[:ERROR_MAX]
    if change.apply_error == message:
        return  # the same reason as yesterday: audited once
    change.apply_error = message
    audit.record(None, changes.OBJECT_TYPE, change.id, "status_change_not_applied",
                 from_state=change.state, to_state=change.state, comment=message)
    audit.record(None, changes.ENROLMENT_OBJECT, change.enrolment_id, "status_change_not_applied",
                 comment=f"{changes.describe(change)}：{message}")
