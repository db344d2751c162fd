"""Who sees and acts on programme applications (AP-W1, AP-N4, C-DIST)."""

import sqlalchemy as sa

from portal.core.access import in_district, register
from portal.models import Programme, ReviewState, Role


def programme_scope(user) -> sa.ColumnElement[bool]:
    match user.role:
        case Role.ENTERPRISE:
            return sa.or_(Programme.enterprise_id == user.org_id,
                          Programme.entrusted_enterprise_id == user.org_id)
        case Role.INSTITUTION:
            return Programme.institution_id == user.org_id
        case Role.DISTRICT:
            return in_district(user, Programme.district_code)
        case Role.CENTER:
            return sa.true()
    return sa.false()


def programmes_for(user) -> sa.Select:
    return sa.select(Programme).where(programme_scope(user))


def trained_programmes(user) -> sa.Select:
    """Approved programmes the user's organisation trains in (enterprise, the enterprise it
    entrusted the training to (AP-N4), or institution)."""
    match user.role:
        case Role.ENTERPRISE:
            mine = sa.or_(Programme.enterprise_id == user.org_id,
                          Programme.entrusted_enterprise_id == user.org_id)
        case Role.INSTITUTION:
            mine = Programme.institution_id == user.org_id
        case _:
            return sa.select(Programme).where(sa.false())
    return sa.select(Programme).where(mine, Programme.state == ReviewState.APPROVED)


def own_programmes_with_seats(user) -> sa.Select:
    """AP-P2 transfer targets: the enterprise's approved programmes with a free seat."""
    if user.role != Role.ENTERPRISE:
        return sa.select(Programme).where(sa.false())
    return sa.select(Programme).where(Programme.enterprise_id == user.org_id,
                                      Programme.state == ReviewState.APPROVED,
                                      Programme.enrolled_count < Programme.planned_count)


def is_entrusted_with(user, programme: Programme) -> bool:
    """AP-N4: the user's enterprise trains this programme for the enterprise that entrusted it."""
    return (user.role == Role.ENTERPRISE and programme.entrusted_enterprise_id is not None
            and user.org_id == programme.entrusted_enterprise_id)


def _programme_permissions(user, programme: Programme) -> dict[str, bool]:
    owner = user.role == Role.ENTERPRISE and user.org_id == programme.enterprise_id
    # AP-N4: the entrusted enterprise trains (sessions, hours, its mentors) but the entrusting
    # one stays the applicant: it registers apprentices, requests changes and claims money.
    entrusted = is_entrusted_with(user, programme)
    partner = user.role == Role.INSTITUTION and user.org_id == programme.institution_id
    district = user.role == Role.DISTRICT and user.district_code == programme.district_code
    editable = programme.state.editable
    confirmed = programme.institution_confirmed_at is not None
    approved = programme.state == ReviewState.APPROVED
    return {
        "view": owner or partner or district or entrusted or user.role == Role.CENTER,
        "edit": owner and editable,
        "institution_confirm": partner and editable and not confirmed,
        "submit": owner and editable and confirmed,
        # AP-W2: the programme's own enterprise registers apprentices once it is approved.
        "own": owner,
        "register": owner and approved,
        # Class sessions (attendance): any party that trains, once the programme is approved.
        "open_session": (owner or partner or entrusted) and approved,
        "district_review": district and programme.state == ReviewState.SUBMITTED,
        "center_review": user.role == Role.CENTER
        and programme.state == ReviewState.DISTRICT_APPROVED,
    }


register(Programme, programmes_for, _programme_permissions)
