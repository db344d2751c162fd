"""Who keeps and assigns mentors (AP-M1..M4) and which side of the training a user is (AP-C4)."""

import sqlalchemy as sa

from portal.apprenticeship.programmes.access import is_entrusted_with
from portal.core.access import in_district, register
from portal.models import Organisation, Programme, Role
from portal.models.apprentice import Mentor
from portal.models.org import OrgKind


def mentors_for(user) -> sa.Select:
    """AP-M2, AP-M3: an enterprise or institution keeps its own mentors; districts see theirs."""
    q = sa.select(Mentor)
    match user.role:
        case Role.ENTERPRISE | Role.INSTITUTION:
            return q.where(Mentor.org_id == user.org_id)
        case Role.DISTRICT:
            in_scope = sa.select(Organisation.id).where(
                in_district(user, Organisation.district_code))
            return q.where(Mentor.org_id.in_(in_scope))
        case Role.CENTER:
            return q
    return q.where(sa.false())


def training_side(user, programme: Programme) -> OrgKind | None:
    """AP-M1, AP-C4: the side of the programme's training the user acts for, if any.

    The enterprise assigns enterprise mentors and records on-the-job hours; the institution
    assigns teachers and records centralised hours (either may record both kinds of hours).
    An enterprise entrusted with the training (AP-N4) is the enterprise side too: it trains on
    its own floor, so the enterprise mentor may be one of its own staff.
    """
    if user.role == Role.ENTERPRISE and (user.org_id == programme.enterprise_id
                                         or is_entrusted_with(user, programme)):
        return OrgKind.ENTERPRISE
    if user.role == Role.INSTITUTION and user.org_id == programme.institution_id:
        return OrgKind.INSTITUTION
    return None


def _mentor_permissions(user, mentor: Mentor) -> dict[str, bool]:
    own = user.role in (Role.ENTERPRISE, Role.INSTITUTION) and user.org_id == mentor.org_id
    return {
        # Districts and the centre reach a mentor only through mentors_for.
        "view": own or user.role in (Role.DISTRICT, Role.CENTER),
        "edit": own,
        "deactivate": own and mentor.active,
        "activate": own and not mentor.active,
        "assign": own and mentor.active,
    }


register(Mentor, mentors_for, _mentor_permissions)
