"""Who sees and runs class sessions (AP-P3, AP-P4) and who asks for and decides leave (AP-P2)."""

import sqlalchemy as sa

from portal.apprenticeship.enrolment.access import (
    enrolment_of,
    enrolment_scope,
    is_trainee_of,
    trainee_enrolments,
)
from portal.apprenticeship.programmes.access import programme_scope
from portal.core.access import register
from portal.models import (
    ClassSession,
    Enrolment,
    EnrolmentState,
    HsTrainee,
    LeaveRequest,
    LeaveState,
    Programme,
    Role,
)


def leave_requests_for(user) -> sa.Select:
    """AP-P2: the trainee's own leave; the enterprise's apprentices'; the district's; all."""
    return (sa.select(LeaveRequest).join(Enrolment, Enrolment.id == LeaveRequest.enrolment_id)
            .where(enrolment_scope(user)))


def _leave_permissions(user, leave: LeaveRequest) -> dict[str, bool]:
    enrolment = enrolment_of(leave)
    if enrolment is None:
        return {}
    trainee = is_trainee_of(user, enrolment)
    employer = user.role == Role.ENTERPRISE and user.org_id == enrolment.enterprise_id
    district = user.role == Role.DISTRICT and user.district_code == enrolment.district_code
    state = leave.state or LeaveState.REQUESTED
    return {
        "view": trainee or employer or district or user.role == Role.CENTER,
        # A new request (no id yet) is made by the trainee for an enrolment in training.
        "request": trainee and leave.id is None and enrolment.state == EnrolmentState.ACTIVE,
        "decide": employer and state == LeaveState.REQUESTED,
        "cancel": trainee and state == LeaveState.REQUESTED,
        "report_back": trainee and state == LeaveState.APPROVED,
    }


def class_sessions_for(user) -> sa.Select:
    """Sessions of the programmes in scope; a trainee's: those of programmes enrolled in,
    and those of the high-skill projects whose list (HS-W4) names them and still holds them.

    A high-skill session has no programme, so every other role's programme scope leaves it
    out; hosts reach their projects' sessions through portal.high_skill.delivery.
    """
    q = sa.select(ClassSession)
    if user.role == Role.TRAINEE:
        enrolled = trainee_enrolments(user).with_only_columns(Enrolment.programme_id)
        listed = sa.select(HsTrainee.proposal_id).where(HsTrainee.user_id == user.id,
                                                        HsTrainee.removed_at.is_(None))
        return q.where(sa.or_(ClassSession.programme_id.in_(enrolled),
                              ClassSession.hs_proposal_id.in_(listed)))
    in_scope = sa.select(Programme.id).where(programme_scope(user))
    return q.where(ClassSession.programme_id.in_(in_scope))


def _class_session_permissions(user, class_session: ClassSession) -> dict[str, bool]:
    # The organisation that opened the session runs it; the others reach it read-only.
    # A high-skill host may be of the `host` role (HS-H1).
    runner = (user.role in (Role.ENTERPRISE, Role.INSTITUTION, Role.HOST)
              and user.org_id == class_session.org_id)
    return {
        "view": True,  # reaching the object at all went through class_sessions_for
        "run": runner,
        "close": runner and class_session.closed_at is None,
        "add_evidence": runner,
    }


register(LeaveRequest, leave_requests_for, _leave_permissions)
register(ClassSession, class_sessions_for, _class_session_permissions)
