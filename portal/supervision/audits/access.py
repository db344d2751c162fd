"""Who sees audit grants, audit results and the programmes granted to a firm (AP-V4, HS-W10,
C-DIST).

A grant of a year covers every approved programme whose start date (开班日期) falls in that
year: the year its training began, the year whose subsidies an audit of "2025" examines.
A grant is open until it is revoked or its expiry day has passed (the expiry day included).
"""

from datetime import date

import sqlalchemy as sa

from portal.clock import today
from portal.core.access import in_district, register
from portal.extensions import db
from portal.models import (
    AuditGrant,
    AuditResult,
    Organisation,
    OrgKind,
    Programme,
    ReviewState,
    Role,
)


def open_grant(day: date) -> sa.ColumnElement[bool]:
    return sa.and_(AuditGrant.revoked_at.is_(None),
                   sa.or_(AuditGrant.expires_on.is_(None), AuditGrant.expires_on >= day))


def programme_year() -> sa.ColumnElement[int]:
    return sa.cast(sa.extract("year", Programme.start_date), sa.Integer)


def _granted(firm_id: int, day: date) -> sa.ColumnElement[bool]:
    by_programme = sa.select(AuditGrant.id).where(
        AuditGrant.firm_id == firm_id, open_grant(day), AuditGrant.programme_id == Programme.id)
    by_year = sa.select(AuditGrant.id).where(
        AuditGrant.firm_id == firm_id, open_grant(day), AuditGrant.year == programme_year())
    return sa.or_(sa.exists(by_programme),
                  sa.and_(Programme.state == ReviewState.APPROVED, sa.exists(by_year)))


def audited_programmes(user) -> sa.Select:
    """Programmes whose records the user may read as an audit: an auditor those its firm holds
    an open grant for; the centre every programme (it builds evidence packages too)."""
    q = sa.select(Programme)
    match user.role:
        case Role.AUDITOR:
            return q.where(_granted(user.org_id, today()))
        case Role.CENTER:
            return q
    return q.where(sa.false())


def year_granted(user, year: int) -> bool:
    """An auditor holds an open grant of the whole `year`; the centre may read any year."""
    if user.role == Role.CENTER:
        return True
    if user.role != Role.AUDITOR:
        return False
    return db.session.scalar(sa.select(sa.exists(sa.select(AuditGrant.id).where(
        AuditGrant.firm_id == user.org_id, AuditGrant.year == year, open_grant(today()))))
    ) or False


def grants_for(user) -> sa.Select:
    q = sa.select(AuditGrant)
    match user.role:
        case Role.CENTER:
            return q
        case Role.AUDITOR:
            return q.where(AuditGrant.firm_id == user.org_id)
    return q.where(sa.false())


def _grant_permissions(user, grant: AuditGrant) -> dict[str, bool]:
    centre = user.role == Role.CENTER
    return {"view": centre or (user.role == Role.AUDITOR and user.org_id == grant.firm_id),
            "revoke": centre and grant.revoked_at is None}


def results_for(user) -> sa.Select:
    """Audit results: the centre all, a district those of its own organisations (C-DIST), an
    organisation its own, a firm those it concluded."""
    q = sa.select(AuditResult)
    match user.role:
        case Role.CENTER:
            return q
        case Role.DISTRICT:
            return q.join(Organisation, Organisation.id == AuditResult.organisation_id).where(
                in_district(user, Organisation.district_code))
        case Role.ENTERPRISE | Role.HOST:
            return q.where(AuditResult.organisation_id == user.org_id)
        case Role.AUDITOR:
            return q.where(AuditResult.firm_id == user.org_id)
    return q.where(sa.false())


def _result_permissions(user, result: AuditResult) -> dict[str, bool]:
    return {"view": True}  # reached only through results_for


def firms_for(user) -> sa.Select:
    q = sa.select(Organisation).where(Organisation.kind == OrgKind.AUDIT_FIRM)
    return q if user.role == Role.CENTER else q.where(sa.false())


register(AuditGrant, grants_for, _grant_permissions)
register(AuditResult, results_for, _result_permissions)
