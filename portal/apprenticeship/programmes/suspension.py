"""AP-V2: the district suspends a programme (停训整改) and lifts the suspension.

A suspension comes with a rectification order (`Rectification`: order text, deadline, an
optional summons) written in the same call; lifting records the lifting on the open order.
While suspended a programme enrols no one, opens no class session and claims no subsidy;
claims already under review stay reviewable. Both steps are audited on the programme
(C-AUD) and notify the enterprise and the institution; the view commits.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from portal import rules
from portal.clock import today
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.notify import notify, org_users
from portal.extensions import db
from portal.models import Programme, Rectification, ReviewState, Role, Summons
from portal.models.base import utcnow

OBJECT_TYPE = "programme"
REASON_MAX = 500
ORDER_MAX = 2000
SUSPENDED = "suspended"

NOT_ENROLLING = "该培训项目停训整改期间不能招收学徒（规则 AP-V2）"
NOT_CLAIMING = "项目停训期间不能申请补贴（规则 AP-V2）"
NO_SESSION = "该培训项目停训整改期间不能开设课堂（规则 AP-V2）"
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


def refuse_session_if_suspended(programme: Programme) -> None:
    """AP-V2: a suspended programme opens no class session."""
    if is_suspended(programme):
        raise ServiceError(NO_SESSION)


def open_rectification(programme_id: int) -> Rectification | None:
    """AP-V2: the programme's rectification order not yet lifted (at most one)."""
    return db.session.scalar(sa.select(Rectification).where(
        Rectification.programme_id == programme_id, Rectification.lifted_on.is_(None)))


def default_deadline(day: date | None = None) -> date:
    """AP-V2: the deadline the suspension form proposes."""
    return (day or today()) + timedelta(days=rules.RECTIFICATION_DAYS_DEFAULT)


def _programme_path(blueprint: str, programme_id: int) -> str:
    return f"/{blueprint}/programmes/{programme_id}"


def _tell_parties(programme: Programme, kind: str, title: str, body: str) -> None:
    """The enterprise and the institution hear of a suspension and of its lifting."""
    for blueprint, org_id in (("enterprise", programme.enterprise_id),
                              ("institution", programme.institution_id)):
        notify(org_users(org_id), kind, title, body=body,
               link=_programme_path(blueprint, programme.id), object_type=OBJECT_TYPE,
               object_id=programme.id)


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


def suspend(actor, programme: Programme, reason: str, day: date | None = None, *,
            deadline: date | None = None, order_text: str = "",
            summons: Summons | None = None) -> Rectification:
    """AP-V2: 停训整改 from `day` (today), with the reason the enterprise is told and a
    rectification order (order text: the reason unless given; deadline: the proposed one
    unless given, never before `day`), optionally following a summons of the programme."""
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
    day = day or today()
    deadline = deadline or default_deadline(day)
    problem = rules.rectification_deadline_problem(day, deadline)
    if problem:
        raise ServiceError(problem)
    if summons is not None and summons.programme_id != programme.id:
        raise ServiceError("所选约谈记录不属于该培训项目")
    order_text = (order_text or "").strip() or reason
    if len(order_text) > ORDER_MAX:
        raise ServiceError(f"整改要求不能超过{ORDER_MAX}字")
    _guarded(programme, False, {"suspended_on": day, "suspension_reason": reason},
             ALREADY_SUSPENDED)
    order = Rectification(programme_id=programme.id, district_code=programme.district_code,
                          summons_id=summons.id if summons else None, ordered_on=day,
                          deadline=deadline, order_text=order_text, ordered_by_id=actor.id)
    db.session.add(order)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, programme.id, "suspend", from_state=programme.state,
                 to_state=SUSPENDED, comment=f"{reason}；整改期限{deadline.isoformat()}")
    _tell_parties(programme, "suspension", "培训项目停训整改（规则 AP-V2）",
                  f"自{day.isoformat()}起停训整改，整改期限{deadline.isoformat()}：{order_text}")
    db.session.flush()
    return order


def lift(actor, programme: Programme, comment: str = "", day: date | None = None) -> None:
    """AP-V2: the rectification is done; the programme enrols and claims again. The open
    rectification order records its lifting (date, note)."""
    if not _district_of(actor, programme):
        raise NotAllowed(NOT_DISTRICT)
    if not is_suspended(programme):
        raise StateConflict(NOT_SUSPENDED)
    comment = (comment or "").strip()[:REASON_MAX]
    day = day or today()
    _guarded(programme, True, {"suspended_on": None, "suspension_reason": ""}, NOT_SUSPENDED)
    db.session.execute(
        sa.update(Rectification)
        .where(Rectification.programme_id == programme.id, Rectification.lifted_on.is_(None))
        .values(lifted_on=day, lifted_by_id=actor.id, lift_note=comment, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    audit.record(actor, OBJECT_TYPE, programme.id, "lift", from_state=SUSPENDED,
                 to_state=programme.state, comment=comment)
    _tell_parties(programme, "suspension_lifted", "培训项目已解除停训（规则 AP-V2）",
                  f"{day.isoformat()}解除停训，恢复培训" + (f"：{comment}" if comment else ""))
    db.session.flush()
