"""The centre grants an audit firm read access to one programme or to a whole year, with an
optional expiry, and revokes it (AP-V4, HS-W10). Audited (C-AUD)."""

from datetime import date

import sqlalchemy as sa

from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.models import AuditGrant, Organisation, OrgKind, Programme, Role
from portal.models.base import utcnow
from portal.rules.assessment import AUDIT_YEARS

OBJECT_TYPE = "audit_grant"
NOTE_MAX = 200
YEARS = AUDIT_YEARS


def grant(actor, firm: Organisation, *, programme: Programme | None = None,
          year: int | None = None, expires_on: date | None = None, note: str = "",
          day: date) -> AuditGrant:
    if actor.role != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以授予审计权限（规则 AP-V4）")
    if firm.kind != OrgKind.AUDIT_FIRM:
        raise ServiceError("只能向第三方机构授予审计权限")
    if (programme is None) == (year is None):
        raise ServiceError("请选择一个项目或一个年度（二者选一）")
    if year is not None and year not in YEARS:
        raise ServiceError("年度无效")
    if expires_on is not None and expires_on < day:
        raise ServiceError("有效期不能早于今天")
    row = AuditGrant(firm_id=firm.id, programme_id=programme.id if programme else None,
                     year=year, expires_on=expires_on, note=(note or "").strip()[:NOTE_MAX],
                     granted_by_id=actor.id, granted_at=utcnow())
    db.session.add(row)
    db.session.flush()
    scope = f"项目 #{programme.id}" if programme else f"{year}年度全部项目"
    audit.record(actor, OBJECT_TYPE, row.id, "grant", to_state="open",
                 comment=f"{firm.name}：{scope}" + (f"，有效期至{expires_on}" if expires_on else ""))
    # No notification: an auditor has no inbox (marking a message read would be a write).
    db.session.flush()
    return row


def revoke(actor, row: AuditGrant) -> AuditGrant:
    """Guarded: only an unrevoked grant is revoked, once (a second click answers 已被处理)."""
    if actor.role != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以撤销审计权限（规则 AP-V4）")
    changed = db.session.execute(
        sa.update(AuditGrant).where(AuditGrant.id == row.id, AuditGrant.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise StateConflict()
    audit.record(actor, OBJECT_TYPE, row.id, "revoke", from_state="open", to_state="revoked")
    db.session.flush()
    db.session.refresh(row)
    return row
