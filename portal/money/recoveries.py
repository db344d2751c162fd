"""AP-$4, HS-$2: recovery orders (追回) are repaid, by district or centre, until settled.

`repaid` only moves through a guarded UPDATE (`repaid + :x <= amount`), so two repayments
recorded at once can never take it past the amount; the last one settles the order.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.clock import today
from portal.core import audit, notify
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.models import Recovery, RecoveryState, Repayment
from portal.models.base import utcnow
from portal.money import closing

OBJECT_TYPE = "recovery"
VOUCHER_MAX = 40
SETTLED = "该追回单已结清，无需再登记还款（规则 AP-$4）"


def _overpaid(recovery: Recovery, amount: int) -> str:
    return (f"还款金额{amount}元超过待追回金额{recovery.outstanding}元，"
            f"请按实际缴回金额登记（规则 AP-$4）")


def record_repayment(actor, recovery: Recovery, amount: int, paid_on: date | None,
                     voucher_no: str) -> Repayment:
    """AP-$4: record money paid back; settles the order when nothing is outstanding, then
    closes the programme if that was the last thing open (AP-W3). Flushes, never commits."""
    voucher_no = (voucher_no or "").strip()
    if recovery.state == RecoveryState.SETTLED or recovery.outstanding <= 0:
        raise StateConflict(SETTLED)
    if not can(actor, "repay", recovery):
        raise NotAllowed("只有学徒所在区或市级可以登记追回还款")
    problem = rules.amount_problem(amount, positive=True)
    if problem:
        raise ServiceError(problem)
    if amount > recovery.outstanding:
        raise ServiceError(_overpaid(recovery, amount))
    if paid_on is None:
        raise ServiceError("请填写还款日期")
    if paid_on > today():
        raise ServiceError("还款日期不能晚于今天")
    if not voucher_no:
        raise ServiceError("请填写缴款凭证号")
    if len(voucher_no) > VOUCHER_MAX:
        raise ServiceError(f"凭证号不能超过{VOUCHER_MAX}个字符")
    changed = db.session.execute(
        sa.update(Recovery)
        .where(Recovery.id == recovery.id, Recovery.state == RecoveryState.OPEN,
               Recovery.repaid + amount <= Recovery.amount)
        .values(repaid=Recovery.repaid + amount, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(recovery)
    if changed != 1:
        raise ServiceError(SETTLED if recovery.outstanding <= 0 else _overpaid(recovery, amount))
    repayment = Repayment(recovery_id=recovery.id, amount=amount, paid_on=paid_on,
                          voucher_no=voucher_no, recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(repayment)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, recovery.id, "repay",
                 comment=f"还款{amount}元（凭证号 {voucher_no}），已追回{recovery.repaid}元，"
                         f"待追回{recovery.outstanding}元")
    announce(recovery, f"补贴追回：已登记还款 {amount} 元，待追回 {recovery.outstanding} 元")
    if recovery.outstanding == 0:
        _settle(actor, recovery)
        if recovery.programme_id is not None:  # a high-skill recovery (HS-$2) closes nothing
            closing.close_if_done(recovery.programme_id, paid_on, actor=actor)
    db.session.flush()
    return repayment


def _settle(actor, recovery: Recovery) -> None:
    changed = db.session.execute(
        sa.update(Recovery)
        .where(Recovery.id == recovery.id, Recovery.state == RecoveryState.OPEN,
               Recovery.repaid == Recovery.amount)
        .values(state=RecoveryState.SETTLED, settled_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(recovery)
    if changed == 1:
        audit.record(actor, OBJECT_TYPE, recovery.id, "settle", from_state=RecoveryState.OPEN,
                     to_state=RecoveryState.SETTLED, comment=f"已全额追回{recovery.amount}元")


def open_order(actor, *, amount: int, reason: str, enterprise_id: int, district_code: str,
               day: date, programme_id: int | None = None, hs_proposal_id: int | None = None,
               comment: str = "") -> Recovery:
    """AP-V3, HS-$2: a recovery order (追回) of money paid on a programme or a project,
    through the original channel (the payee repays, the district or centre records it),
    due after `recovery_due_days` (C-EFF: of `day`). Flushes, never commits."""
    due_on = day + timedelta(days=rules.param(parameters_on(day), "recovery_due_days"))
    recovery = Recovery(programme_id=programme_id, hs_proposal_id=hs_proposal_id,
                        reason=reason, enterprise_id=enterprise_id,
                        district_code=district_code, amount=amount, due_on=due_on,
                        state=RecoveryState.OPEN)
    db.session.add(recovery)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, recovery.id, "open", to_state="open",
                 comment=f"{comment or f'追回{amount}元'}，{due_on}前：{reason[:200]}")
    announce(recovery, f"补贴追回：请于 {due_on} 前缴回 {amount} 元", reason[:500])
    return recovery


def announce(recovery: Recovery, title: str, body: str = "") -> None:
    """Issue 14 item 9: the payee hears of its recovery order and of each repayment, in the
    same transaction as the change."""
    notify.notify(notify.org_users(recovery.enterprise_id), "recovery", title, body=body,
                  object_type=OBJECT_TYPE, object_id=recovery.id)


def overdue(recovery: Recovery, day: date | None = None) -> bool:
    """AP-$4: open with money outstanding after its due day."""
    return rules.recovery_overdue(recovery.due_on, recovery.outstanding, day or today())


def repayments_of(recovery_id: int) -> list[Repayment]:
    return list(db.session.scalars(
        sa.select(Repayment).where(Repayment.recovery_id == recovery_id).order_by(Repayment.id)))
