"""Who sees which certificates (AP-S1, C-DIST); only the centre revokes.

Centre: all. District: its district's apprentices. Enterprise: its own apprentices.
Institution: apprentices of the programmes it trains. Trainee: their own.
"""

import sqlalchemy as sa

from portal.core.access import in_district, register
from portal.extensions import db
from portal.models import Apprentice, Certificate, Enrolment, Programme, Role


def _enrolments_of(user) -> sa.Select | None:
    """The enrolments whose certificates `user` may see (None: all of them)."""
    match user.role:
        case Role.CENTER:
            return None
        case Role.DISTRICT:
            return sa.select(Enrolment.id).where(in_district(user, Enrolment.district_code))
        case Role.ENTERPRISE:
            return sa.select(Enrolment.id).where(Enrolment.enterprise_id == user.org_id)
        case Role.INSTITUTION:
            return (sa.select(Enrolment.id)
                    .join(Programme, Programme.id == Enrolment.programme_id)
                    .where(Programme.institution_id == user.org_id))
    return sa.select(Enrolment.id).where(sa.false())


def certificates_for(user) -> sa.Select:
    q = sa.select(Certificate)
    if user.role == Role.TRAINEE:
        own = sa.select(Apprentice.id).where(Apprentice.user_id == user.id)
        return q.where(Certificate.apprentice_id.in_(own))
    enrolments = _enrolments_of(user)
    return q if enrolments is None else q.where(Certificate.enrolment_id.in_(enrolments))


def _in_scope(user, certificate: Certificate) -> bool:
    if user.role == Role.CENTER:
        return True
    found = certificates_for(user).where(Certificate.id == certificate.id)
    return db.session.scalar(found.with_only_columns(Certificate.id)) is not None


def _permissions(user, certificate: Certificate) -> dict[str, bool]:
    centre = user.role == Role.CENTER
    return {
        "view": _in_scope(user, certificate),
        "revoke": centre and certificate.valid,
    }


register(Certificate, certificates_for, _permissions)
