"""Who sees and acts on apprentice registrations and student records (AP-W2, AP-E5, C-PII)."""

import sqlalchemy as sa

from portal.apprenticeship.programmes.access import is_entrusted_with
from portal.core.access import in_district, register
from portal.extensions import db
from portal.models import Apprentice, Enrolment, EnrolmentState, Programme, Role


def trainee_enrolments(user) -> sa.Select:
    """AP-P2: a trainee's own enrolments; the enrolment always comes from the logged-in user."""
    if user.role != Role.TRAINEE:
        return sa.select(Enrolment).where(sa.false())
    return (sa.select(Enrolment).join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
            .where(Apprentice.user_id == user.id))


def enrolment_scope(user) -> sa.ColumnElement[bool]:
    """C-DIST: the enrolments (and their leave and changes of status) the user may see."""
    match user.role:
        case Role.TRAINEE:
            own = sa.select(Apprentice.id).where(Apprentice.user_id == user.id)
            return Enrolment.apprentice_id.in_(own)
        case Role.ENTERPRISE:
            return Enrolment.enterprise_id == user.org_id
        case Role.DISTRICT:
            return in_district(user, Enrolment.district_code)
        case Role.CENTER:
            return sa.true()
    return sa.false()


_OWNERS_WORK = (EnrolmentState.DRAFT, EnrolmentState.RETURNED)


def _entrusted_to(user) -> sa.ColumnElement[bool]:
    """AP-N4: registrations in programmes entrusted to the user's enterprise, once submitted
    (a draft or a returned one is the entrusting enterprise's work in progress)."""
    entrusted = sa.select(Programme.id).where(Programme.entrusted_enterprise_id == user.org_id)
    return sa.and_(Enrolment.programme_id.in_(entrusted), Enrolment.state.not_in(_OWNERS_WORK))


def enrolments_for(user) -> sa.Select:
    """AP-W2, C-DIST: the enterprise's own registrations (and those it trains when entrusted,
    AP-N4), the district's, the partner institution's programmes', the trainee's own, the
    whole city for the centre."""
    if user.role == Role.INSTITUTION:
        partner = sa.select(Programme.id).where(Programme.institution_id == user.org_id)
        return sa.select(Enrolment).where(Enrolment.programme_id.in_(partner))
    if user.role == Role.ENTERPRISE:
        return sa.select(Enrolment).where(sa.or_(enrolment_scope(user), _entrusted_to(user)))
    return sa.select(Enrolment).where(enrolment_scope(user))


def own_enrolments_in(user, programme_id: int, states) -> sa.Select:
    """The enterprise's own enrolments of one programme in `states` (drafts to submit)."""
    if user.role != Role.ENTERPRISE:
        return sa.select(Enrolment).where(sa.false())
    return sa.select(Enrolment).where(Enrolment.programme_id == programme_id,
                                      enrolment_scope(user), Enrolment.state.in_(states))


def enrolment_of(obj) -> Enrolment | None:
    # Lists load the enrolment with the row, so this is an identity-map hit, not a query.
    return db.session.get(Enrolment, obj.enrolment_id) if obj.enrolment_id else None


def is_trainee_of(user, enrolment: Enrolment) -> bool:
    if user.role != Role.TRAINEE:
        return False
    apprentice = db.session.get(Apprentice, enrolment.apprentice_id)
    return apprentice is not None and apprentice.user_id == user.id


def _trained_for_another(user, enrolment: Enrolment) -> bool:
    """AP-N4: the user's enterprise trains this apprentice for the enterprise that entrusted it."""
    if user.role != Role.ENTERPRISE or enrolment.state in _OWNERS_WORK:
        return False
    # Rosters load their programme first, so this is an identity-map hit, not a query.
    programme = db.session.get(Programme, enrolment.programme_id)
    return programme is not None and is_entrusted_with(user, programme)


def _enrolment_permissions(user, enrolment: Enrolment) -> dict[str, bool]:
    owner = user.role == Role.ENTERPRISE and user.org_id == enrolment.enterprise_id
    district = user.role == Role.DISTRICT and user.district_code == enrolment.district_code
    centre = user.role == Role.CENTER
    state = enrolment.state
    return {
        # The partner institution reaches an enrolment only through enrolments_for.
        "view": owner or district or centre or user.role == Role.INSTITUTION
        or is_trainee_of(user, enrolment) or _trained_for_another(user, enrolment),
        "edit": owner and state.editable,
        "submit": owner and state.editable,
        "record_agreement": owner and state in (EnrolmentState.DRAFT, EnrolmentState.RETURNED,
                                                EnrolmentState.SUBMITTED),
        "district_review": district and state == EnrolmentState.SUBMITTED,
        # C-PII: masked in lists; the full ID on the detail page, audited. An entrusted
        # enterprise trains the apprentice without needing the full number.
        "view_full_id": owner or district or centre,
        "reset_password": owner and state in (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED),
    }


register(Enrolment, enrolments_for, _enrolment_permissions)
