"""Who sees and records joint assessments (AP-S1, C-DIST): the programme's own enterprise and
its institution each give their own verdict; district and centre read."""

import sqlalchemy as sa

from portal.apprenticeship.programmes.access import programme_scope
from portal.core.access import register
from portal.extensions import db
from portal.models import Assessment, Programme, Role

ENTERPRISE, INSTITUTION = "enterprise", "institution"


def assessing_side(user, programme: Programme) -> str | None:
    """AP-S1: "enterprise" for the programme's own enterprise (the applicant, not an
    entrusted one, AP-N4), "institution" for its partner institution, else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.role == Role.ENTERPRISE and user.org_id == programme.enterprise_id:
        return ENTERPRISE
    if user.role == Role.INSTITUTION and user.org_id == programme.institution_id:
        return INSTITUTION
    return None


def assessments_for(user) -> sa.Select:
    """C-DIST: the assessments of the programmes the user may see."""
    return sa.select(Assessment).where(
        Assessment.programme_id.in_(sa.select(Programme.id).where(programme_scope(user))))


def _assessment_permissions(user, assessment: Assessment) -> dict[str, bool]:
    # Pages load the programme first, so this is an identity-map hit, not a query.
    programme = db.session.get(Programme, assessment.programme_id)
    side = assessing_side(user, programme)
    return {
        "view": side is not None or user.role in (Role.DISTRICT, Role.CENTER)
        or (user.role == Role.ENTERPRISE and user.org_id == programme.entrusted_enterprise_id),
        "record": side is not None and assessment.locked_at is None,
    }


register(Assessment, assessments_for, _assessment_permissions)


def party_programmes(user) -> sa.ColumnElement[bool]:
    """AP-S1: the programmes whose assessment waits for the user's organisation."""
    if user.role == Role.ENTERPRISE:
        return Programme.enterprise_id == user.org_id
    if user.role == Role.INSTITUTION:
        return Programme.institution_id == user.org_id
    return sa.false()
