"""The kinds of work of issue 11, each on its domain's scope function (C-DIST) and each
linking to the list page whose filter shows exactly the rows it counts.

Later issues register their own kinds from their own packages (registry.register).
"""

from datetime import date

import sqlalchemy as sa
from flask import url_for

from portal.apprenticeship.enrolment.access import enrolments_for
from portal.apprenticeship.enrolment.agreements import lacking_agreement
from portal.apprenticeship.mentors.services import lacking_mentor
from portal.apprenticeship.programmes.access import programmes_for
from portal.apprenticeship.programmes.services import awaiting_consent
from portal.apprenticeship.status.access import status_changes_for
from portal.apprenticeship.training import attendance
from portal.apprenticeship.training.access import class_sessions_for, leave_requests_for
from portal.models import (
    Apprentice,
    ChangeState,
    ClassSession,
    Enrolment,
    EnrolmentState,
    LeaveRequest,
    LeaveState,
    Occupation,
    Organisation,
    Programme,
    ReviewState,
    StatusChange,
)
from portal.orgs.access import organisations_for
from portal.worklist.registry import Returned, WorkKind, register


def _aggregate(scope: sa.Select, oldest, *where) -> sa.Select:
    """ONE row: how many, and the oldest timestamp, of `scope` narrowed by `where`."""
    return scope.where(*where).with_only_columns(sa.func.count(), sa.func.min(oldest))


def _today() -> date:
    # The training domain's clock: the trainee's home page lists "today" by the same day.
    return attendance.today()


def _role_url(endpoint: str, **args):
    """A list of the user's own blueprint (enterprise and institution share the pages)."""
    return lambda user: url_for(f"{user.role}.{endpoint}", **args)


# --- District: what waits for its review (C-REV, C-DIST) ---------------------------------

register(WorkKind(
    "district-organisations", "单位注册待审核", ("district",),
    lambda user: _aggregate(organisations_for(user), Organisation.submitted_at,
                            Organisation.state == ReviewState.SUBMITTED),
    lambda user: url_for("district.organisations", status=ReviewState.SUBMITTED.value),
    rule_ids=("AP-W1", "C-REV"),
))
register(WorkKind(
    "district-programmes", "培训项目待审核", ("district",),
    lambda user: _aggregate(programmes_for(user), Programme.submitted_at,
                            Programme.state == ReviewState.SUBMITTED),
    lambda user: url_for("district.programmes", status=ReviewState.SUBMITTED.value),
    rule_ids=("AP-W1", "C-REV"),
))
register(WorkKind(
    "district-enrolments", "学徒报名待审核", ("district",),
    lambda user: _aggregate(enrolments_for(user), Enrolment.submitted_at,
                            Enrolment.state == EnrolmentState.SUBMITTED),
    lambda user: url_for("district.enrolments", status=EnrolmentState.SUBMITTED.value),
    rule_ids=("AP-W2", "C-REV"),
))
register(WorkKind(
    # A change has no submission stamp; a resubmission touches updated_at, the queue's order.
    "district-status-changes", "学籍异动待审批", ("district",),
    lambda user: _aggregate(status_changes_for(user), StatusChange.updated_at,
                            StatusChange.state == ChangeState.SUBMITTED),
    lambda user: url_for("district.status_changes", state=ChangeState.SUBMITTED.value),
    rule_ids=("AP-P2", "C-REV"),
))

# --- Centre: re-reviews (AP-W1); the district's approval stamps decided_at ---------------

register(WorkKind(
    "center-organisations", "单位待市级复核", ("center",),
    lambda user: _aggregate(organisations_for(user), Organisation.decided_at,
                            Organisation.state == ReviewState.DISTRICT_APPROVED),
    lambda user: url_for("center.organisations", status=ReviewState.DISTRICT_APPROVED.value),
    rule_ids=("AP-W1", "C-REV"),
))
register(WorkKind(
    "center-programmes", "培训项目待市级复核", ("center",),
    lambda user: _aggregate(programmes_for(user), Programme.decided_at,
                            Programme.state == ReviewState.DISTRICT_APPROVED),
    lambda user: url_for("center.programmes", status=ReviewState.DISTRICT_APPROVED.value),
    rule_ids=("AP-W1", "C-REV"),
))

# --- Enterprise and institution: what came back for correction (C-REV, AP-W4) -----------
# Every return stamps decided_at, so it is when the record came back.

register(WorkKind(
    "returned-organisation", "注册信息退回修改", ("enterprise", "institution"),
    lambda user: _aggregate(organisations_for(user), Organisation.decided_at,
                            Organisation.state == ReviewState.RETURNED),
    # The home page itself shows the reviewer's comment above the record (return_note).
    _role_url("edit_organisation"),
    rule_ids=("C-REV", "AP-W4"),
))
register(WorkKind(
    "returned-programmes", "培训项目退回修改", ("enterprise",),
    lambda user: _aggregate(programmes_for(user), Programme.decided_at,
                            Programme.state == ReviewState.RETURNED),
    lambda user: url_for("enterprise.programmes", status=ReviewState.RETURNED.value),
    rule_ids=("C-REV", "AP-W4"),
    returned=Returned(
        "programme", "培训项目",
        lambda user: programmes_for(user).where(Programme.state == ReviewState.RETURNED)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .with_only_columns(Programme.id.label("id"), Occupation.name.label("title"),
                           Programme.decided_at.label("returned_at")),
        lambda user, id_: url_for("enterprise.programme", programme_id=id_)),
))
register(WorkKind(
    "returned-enrolments", "学徒报名退回修改", ("enterprise",),
    lambda user: _aggregate(enrolments_for(user), Enrolment.decided_at,
                            Enrolment.state == EnrolmentState.RETURNED),
    lambda user: url_for("enterprise.enrolments", status=EnrolmentState.RETURNED.value),
    rule_ids=("C-REV", "AP-W4"),
    returned=Returned(
        "enrolment", "学徒报名",
        lambda user: enrolments_for(user).where(Enrolment.state == EnrolmentState.RETURNED)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .with_only_columns(Enrolment.id.label("id"),
                           sa.func.coalesce(Enrolment.stated_name, Apprentice.name).label("title"),
                           Enrolment.decided_at.label("returned_at")),
        lambda user, id_: url_for("enterprise.enrolment", enrolment_id=id_)),
))
register(WorkKind(
    "returned-status-changes", "学籍异动退回修改", ("enterprise",),
    lambda user: _aggregate(status_changes_for(user), StatusChange.decided_at,
                            StatusChange.state == ChangeState.RETURNED),
    lambda user: url_for("enterprise.status_changes", state=ChangeState.RETURNED.value),
    rule_ids=("C-REV", "AP-P2"),
    returned=Returned(
        "status_change", "学籍异动",
        lambda user: status_changes_for(user).where(StatusChange.state == ChangeState.RETURNED)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .with_only_columns(StatusChange.id.label("id"), Apprentice.name.label("title"),
                           StatusChange.decided_at.label("returned_at")),
        lambda user, id_: url_for("enterprise.status_change", change_id=id_)),
))

# --- Enterprise: leave to decide, apprentices not ready for their record ----------------

register(WorkKind(
    "leave-to-decide", "请假待审批", ("enterprise",),
    lambda user: _aggregate(leave_requests_for(user), LeaveRequest.created_at,
                            LeaveRequest.state == LeaveState.REQUESTED),
    lambda user: url_for("enterprise.leave_requests", state=LeaveState.REQUESTED.value),
    rule_ids=("AP-P2",),
))
register(WorkKind(
    "missing-mentor", "学徒未配齐双导师", ("enterprise",),
    lambda user: _aggregate(enrolments_for(user), Enrolment.created_at, lacking_mentor()),
    lambda user: url_for("enterprise.enrolments", status="all", missing="mentor"),
    rule_ids=("AP-M1",),
))
register(WorkKind(
    "missing-agreement", "学徒未登记培训协议", ("enterprise",),
    lambda user: _aggregate(enrolments_for(user), Enrolment.created_at, lacking_agreement(user)),
    lambda user: url_for("enterprise.enrolments", status="all", missing="agreement"),
    rule_ids=("AP-A1",),
))

# --- Institution: its consent to the programmes it trains in (AP-W1) --------------------

register(WorkKind(
    # An edit of the plan takes the consent back and touches updated_at.
    "consents", "合作项目待确认", ("institution",),
    lambda user: _aggregate(programmes_for(user), Programme.updated_at, awaiting_consent()),
    lambda user: url_for("institution.programmes", status="all", consent="pending"),
    rule_ids=("AP-W1",),
))

# --- Today's class sessions (AP-P1, AP-P4): the teacher's side and the trainee's ---------

register(WorkKind(
    "sessions-today", "今日课堂", ("enterprise", "institution"),
    lambda user: _aggregate(class_sessions_for(user), ClassSession.starts_at,
                            attendance.starting_on(_today())),
    lambda user: url_for(f"{user.role}.sessions", day=_today().isoformat()),
    rule_ids=("AP-P1", "AP-P4"), since="today",
))
register(WorkKind(
    "trainee-sessions-today", "今日课程", ("trainee",),
    lambda user: _aggregate(class_sessions_for(user), ClassSession.starts_at,
                            attendance.starting_on(_today())),
    lambda user: url_for("checkin.home", _anchor="today"),
    rule_ids=("AP-P1",), since="today",
))
register(WorkKind(
    "trainee-leave", "请假待企业审批", ("trainee",),
    lambda user: _aggregate(leave_requests_for(user), LeaveRequest.created_at,
                            LeaveRequest.state == LeaveState.REQUESTED),
    # The trainee's leave page lists every leave of theirs, the waiting ones marked 待审批.
    lambda user: url_for("checkin.leave", _anchor="my-leave-h"),
    rule_ids=("AP-P2",),
))
