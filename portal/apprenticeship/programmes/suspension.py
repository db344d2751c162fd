"""AP-V2: the district suspends a programme (停训整改) and lifts the suspension.

While suspended a programme enrols no one and claims no subsidy; claims already under
review stay reviewable. Both steps are audited on the programme (C-AUD); the view commits.
"""

from datetime import date

import sqlalchemy as sa

from portal.clock import today
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.models import Programme, ReviewState, Role
from portal.models.base import utcnow

OBJECT_TYPE = "programme"
REASON_MAX = 500
SUSPENDED = "suspended"

NOT_ENROLLING = "该培训项目停训整改期间不能招收学徒（规则 AP-V2）"
NOT_CLAIMING = "项目停训期间不能申请补贴（规则 AP-V2）"
REASON_REQUIRED = "停训须填写理由（规则 AP-V2）"
NOT_DISTRICT = "只有项目所在区人社局可以决定停训或恢复培训（规则 AP-V2）"
ALREADY_SUSPENDED = "该项目已处于停训状态"
NOT_SUSPENDED = "该项目未处于停训状态"


def is_suspended(programme: Programme) -> bool:
    return programme.suspended_on is not None


def refuse_enrolment_if_suspended(programme: Programme) -> None:
    """AP-V2: a suspended programme can enrol no one."""
    if is_suspended(programme):
        raise ServiceError(NOT_ENROLLING)


def refuse_claim_if_suspended(programme: Programme) -> None:
    """AP-V2: a suspended programme can claim nothing until the suspension is lifted."""
    if is_suspended(programme):
        raise ServiceError(NOT_CLAIMING)


def _district_of(user, programme: Programme) -> bool:
    """The programme's own district (C-DIST through the programmes' access rules)."""
    return user.role == Role.DISTRICT and can(user, "view", programme)


def may_suspend(user, programme: Programme) -> bool:
    """AP-V2: the programme's district suspends an approved, running programme."""
    return (_district_of(user, programme) and programme.state == ReviewState.APPROVED
            and programme.closed_on is None and not is_suspended(programme))


def may_lift(user, programme: Programme) -> bool:
    return _district_of(user, programme) and is_suspended(programme)


def _guarded(programme: Programme, suspended: bool, values: dict, conflict: str) -> None:
    """UPDATE … WHERE suspended_on IS [NOT] NULL: two clicks change the programme once."""
    column = Programme.suspended_on
    changed = db.session.execute(
        sa.update(Programme)
        .where(Programme.id == programme.id,
               column.is_not(None) if suspended else column.is_(None))
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise StateConflict(conflict)
    db.session.refresh(programme)


def suspend(actor, programme: Programme, reason: str, day: date | None = None) -> None:
    """AP-V2: 停训整改 from `day` (today), with the reason the enterprise is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(REASON_REQUIRED)
    if len(reason) > REASON_MAX:
        raise ServiceError(f"停训理由不能超过{REASON_MAX}字")
    if not _district_of(actor, programme):
        raise NotAllowed(NOT_DISTRICT)
    if is_suspended(programme):
        raise StateConflict(ALREADY_SUSPENDED)
    if not may_suspend(actor, programme):
        raise ServiceError("只有已批准、未结项的培训项目可以停训")
    _guarded(programme, False, {"suspended_on": day or today(), "suspension_reason": reason},
             ALREADY_SUSPENDED)
    audit.record(actor, OBJECT_TYPE, programme.id, "suspend", from_state=programme.state,
                 to_state=SUSPENDED, comment=reason)
    db.session.flush()


def lift(actor, programme: Programme, comment: str = "") -> None:
    """AP-V2: the rectification is done; the programme enrols and claims again."""
    if not _district_of(actor, programme):
        raise NotAllowed(NOT_DISTRICT)
    if not is_suspended(programme):
        raise StateConflict(NOT_SUSPENDED)
    _guarded(programme, True, {"suspended_on": None, "suspension_reason": ""}, NOT_SUSPENDED)
    audit.record(actor, OBJECT_TYPE, programme.id, "lift", from_state=SUSPENDED,
                 to_state=programme.state, comment=(comment or "").strip()[:REASON_MAX])
    db.session.flush()
