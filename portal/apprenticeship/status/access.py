"""Who requests and decides changes of status (学籍异动, AP-P2, C-DIST)."""

import sqlalchemy as sa

from portal.apprenticeship.enrolment.access import enrolment_of, enrolment_scope
from portal.core.access import in_district, register
from portal.models import ChangeState, Enrolment, EnrolmentState, Role, StatusChange

# Apprentices whose status may change: in training or suspended.
CHANGEABLE = (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED)


def status_changes_for(user) -> sa.Select:
    """AP-P2, C-DIST: the enterprise's own requests, the district's queue, the whole city."""
    q = sa.select(StatusChange).join(Enrolment, Enrolment.id == StatusChange.enrolment_id)
    match user.role:
        case Role.ENTERPRISE | Role.CENTER:
            return q.where(enrolment_scope(user))
        case Role.DISTRICT:
            return q.where(in_district(user, StatusChange.district_code))
    return q.where(sa.false())


def changeable_enrolments(user) -> sa.Select:
    """The enterprise's apprentices a change of status may be requested for."""
    if user.role != Role.ENTERPRISE:
        return sa.select(Enrolment).where(sa.false())
    return sa.select(Enrolment).where(enrolment_scope(user), Enrolment.state.in_(CHANGEABLE))


def _status_change_permissions(user, change: StatusChange) -> dict[str, bool]:
    enrolment = enrolment_of(change)
    if enrolment is None:
        return {}
    owner = user.role == Role.ENTERPRISE and user.org_id == enrolment.enterprise_id
    district = user.role == Role.DISTRICT and user.district_code == change.district_code
    state = change.state or ChangeState.SUBMITTED
    return {
        "view": owner or district or user.role == Role.CENTER,
        # A new request has no id yet; a returned one is edited and resubmitted (C-REV).
        "submit": owner and (change.id is None or state == ChangeState.RETURNED),
        "edit": owner and state == ChangeState.RETURNED,
        "cancel": owner and (state in (ChangeState.SUBMITTED, ChangeState.RETURNED)
                             or (state == ChangeState.APPROVED and change.applied_at is None)),
        "district_review": district and state == ChangeState.SUBMITTED,
    }


register(StatusChange, status_changes_for, _status_change_permissions)
