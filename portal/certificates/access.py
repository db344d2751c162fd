"""Who sees which certificates (AP-S1, HS-W9, C-DIST); only the centre revokes.

Centre: all. District: its district's apprentices. Enterprise: its own apprentices.
Institution: apprentices of the programmes it trains. Trainee: their own. A high-skill host
(enterprise, institution or host user): the trainees of its projects.
"""

import sqlalchemy as sa

from portal.core.access import in_district, register
from portal.extensions import db
from portal.models import Apprentice, Certificate, Enrolment, HsProposal, HsTrainee, Programme, Role

# The roles a high-skill host logs in with (HS-W9: the host sees its trainees' certificates).
HS_HOST_ROLES = (Role.ENTERPRISE, Role.INSTITUTION, Role.HOST)


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


def _hs_trainees_of(user) -> sa.Select | None:
    """HS-W9: the high-skill trainees whose certificates `user` may see besides (None: none):
    the trainee themself, or the host of their project."""
    if user.role == Role.TRAINEE:
        return sa.select(HsTrainee.id).where(HsTrainee.user_id == user.id)
    if user.role in HS_HOST_ROLES and user.org_id is not None:
        return (sa.select(HsTrainee.id)
                .join(HsProposal, HsProposal.id == HsTrainee.proposal_id)
                .where(HsProposal.host_id == user.org_id))
    return None


def certificates_for(user) -> sa.Select:
    q = sa.select(Certificate)
    if user.role == Role.TRAINEE:
        own = sa.select(Apprentice.id).where(Apprentice.user_id == user.id)
        return q.where(sa.or_(Certificate.apprentice_id.in_(own),
                              Certificate.hs_trainee_id.in_(_hs_trainees_of(user))))
    enrolments = _enrolments_of(user)
    if enrolments is None:
        return q
    mine = Certificate.enrolment_id.in_(enrolments)
    trainees = _hs_trainees_of(user)
    return q.where(mine if trainees is None
                   else sa.or_(mine, Certificate.hs_trainee_id.in_(trainees)))


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
