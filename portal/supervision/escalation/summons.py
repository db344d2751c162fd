"""AP-V2: summons (约谈) of an enterprise's head about one programme, then either 整改到位
(corrected) or 拒不整改，报市级 (reported to the centre, which sees it in 区级上报).

One service per transition; each checks role and district (C-DIST), moves the state with a
guarded UPDATE (two clicks change it once), audits (C-AUD) and notifies in the same
transaction. Flushes, never commits.
"""

from datetime import date

import sqlalchemy as sa

from portal.clock import today
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.notify import center_staff, notify, org_users
from portal.extensions import db
from portal.models import Inspection, Programme, ReviewState, Summons, SummonsState
from portal.models.base import utcnow
from portal.supervision.escalation.access import may_record_summons

OBJECT_TYPE = "summons"
ATTENDEES_MAX = 500
TEXT_MAX = 4000
NOTE_MAX = 1000
NOT_DISTRICT = "只有项目所在区人社局可以约谈企业并登记约谈结果（规则 AP-V2）"
NOT_HELD = "该约谈已有处理结果，不能重复处理（规则 AP-V2）"


def _text(value: str | None, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}（规则 AP-V2）")
    if len(value) > limit:
        raise ServiceError(f"{label}不能超过{limit}字")
    return value


def record(actor, programme: Programme, *, held_on: date | None, attendees: str,
           reason: str, outcome: str = "", inspection_id: int | None = None) -> Summons:
    """AP-V2: the district records a summons held about `programme` (optionally following
    one of its inspections) and tells the enterprise."""
    if not may_record_summons(actor, programme):
        raise NotAllowed(NOT_DISTRICT)
    if programme.state != ReviewState.APPROVED:
        raise ServiceError("只能就已通过审核的培训项目约谈企业")
    if held_on is None:
        raise ServiceError("请填写约谈日期")
    if held_on > today():
        raise ServiceError("约谈日期不能晚于今天")
    attendees = _text(attendees, "参加约谈人员", ATTENDEES_MAX)
    reason = _text(reason, "约谈事由", TEXT_MAX)
    outcome = _text(outcome, "约谈结果", TEXT_MAX, required=False)
    if inspection_id is not None:
        linked = db.session.scalar(sa.select(Inspection.programme_id).where(
            Inspection.id == inspection_id))
        if linked != programme.id:
            raise ServiceError("所选检查记录不属于该培训项目")
    summons = Summons(programme_id=programme.id, district_code=programme.district_code,
                      inspection_id=inspection_id, held_on=held_on, attendees=attendees,
                      reason=reason, outcome=outcome, state=SummonsState.HELD,
                      recorded_by_id=actor.id)
    db.session.add(summons)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, summons.id, "record", to_state=SummonsState.HELD,
                 comment=f"{held_on.isoformat()}约谈：{reason[:200]}")
    notify(org_users(programme.enterprise_id), "summons", "区人社局约谈记录（规则 AP-V2）",
           body=f"{held_on.isoformat()}就培训项目约谈企业负责人：{reason[:300]}",
           link=f"/enterprise/programmes/{programme.id}", object_type=OBJECT_TYPE,
           object_id=summons.id)
    db.session.flush()
    return summons


def _move(actor, summons: Summons, action: str, to: SummonsState, note: str,
          extra: dict) -> None:
    if not can(actor, action, summons):
        if summons.state != SummonsState.HELD and can(actor, "view", summons):
            raise StateConflict(NOT_HELD)
        raise NotAllowed(NOT_DISTRICT)
    stamp = f"{today().isoformat()} {to.label}" + (f"：{note}" if note else "")
    changed = db.session.execute(
        sa.update(Summons)
        .where(Summons.id == summons.id, Summons.state == SummonsState.HELD)
        .values(state=to, updated_at=utcnow(),
                outcome=sa.case((Summons.outcome == "", stamp),
                                else_=Summons.outcome + "\n" + stamp), **extra)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise StateConflict(NOT_HELD)
    db.session.refresh(summons)
    audit.record(actor, OBJECT_TYPE, summons.id, action, from_state=SummonsState.HELD,
                 to_state=to, comment=note)


def mark_corrected(actor, summons: Summons, note: str = "") -> None:
    """AP-V2: the enterprise corrected what the summons was about (整改到位)."""
    note = _text(note, "整改情况", NOTE_MAX, required=False)
    _move(actor, summons, "correct", SummonsState.CORRECTED, note, {})
    enterprise_id = _enterprise_of(summons)
    notify(org_users(enterprise_id), "summons", "约谈事项已确认整改到位（规则 AP-V2）",
           body=note, link=f"/enterprise/programmes/{summons.programme_id}",
           object_type=OBJECT_TYPE, object_id=summons.id)
    db.session.flush()


def report(actor, summons: Summons, note: str) -> None:
    """AP-V2: the enterprise refuses to correct: the district reports it to the centre."""
    note = _text(note, "拒不整改情况", NOTE_MAX)
    _move(actor, summons, "report", SummonsState.REPORTED, note,
          {"reported_at": utcnow(), "reported_by_id": actor.id})
    enterprise_id = _enterprise_of(summons)
    notify(org_users(enterprise_id), "summons", "拒不整改，区人社局已报市级（规则 AP-V2）",
           body=note, link=f"/enterprise/programmes/{summons.programme_id}",
           object_type=OBJECT_TYPE, object_id=summons.id)
    notify(center_staff(), "summons_reported", "区级上报：企业拒不整改（规则 AP-V2）",
           body=note, link=f"/center/summons/{summons.id}", object_type=OBJECT_TYPE,
           object_id=summons.id)
    db.session.flush()


def _enterprise_of(summons: Summons) -> int:
    return db.session.scalar(sa.select(Programme.enterprise_id).where(
        Programme.id == summons.programme_id))


def summonses_of(programme_id: int) -> list[Summons]:
    return list(db.session.scalars(
        sa.select(Summons).where(Summons.programme_id == programme_id)
        .order_by(Summons.held_on.desc(), Summons.id.desc())))
