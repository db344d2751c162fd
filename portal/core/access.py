"""The only place for role and district scoping and permissions (C-DIST).

Every list starts from a `*_for(user)` select; every detail or action route loads
through `get_or_404_for`, so a record outside the user's scope looks missing.
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.extensions import db
from portal.models import Document, Organisation, Programme, ReviewState, Role
from portal.models.mentor import Mentor
from portal.models.org import OrgKind
from portal.navigation import home_url


def require_role(*roles: Role) -> Callable:
    """A blueprint's before_request guard: anonymous → login, wrong role → 403."""

    def guard():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.role not in roles:
            abort(403)
        if current_user.must_change_password:
            # Come back to the page asked for (a scanned check-in code) once it is set.
            wanted = request.full_path.rstrip("?")
            keep = request.method == "GET" and request.path != home_url(current_user)
            return redirect(url_for("auth.change_password", next=wanted if keep else None))
        return None

    return guard


def in_district(user, column) -> sa.ColumnElement[bool]:
    """C-DIST: the one filter that keeps district staff inside their district."""
    return column == user.district_code


def organisations_for(user) -> sa.Select:
    q = sa.select(Organisation)
    match user.role:
        case Role.ENTERPRISE | Role.INSTITUTION:
            return q.where(Organisation.id == user.org_id)
        case Role.DISTRICT:
            return q.where(in_district(user, Organisation.district_code))
        case Role.CENTER:
            return q
    return q.where(sa.false())


def _programme_scope(user) -> sa.ColumnElement[bool]:
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
    return sa.select(Programme).where(_programme_scope(user))


def documents_for(user) -> sa.Select:
    """Own files; files of programmes in scope (agreements, the partner's licence)."""
    if user.role == Role.CENTER:
        return sa.select(Document)
    in_programme = sa.select(Programme.id).where(
        _programme_scope(user),
        sa.or_(
            Programme.agreement_document_id == Document.id,
            Programme.entrustment_document_id == Document.id,
            Programme.institution_id == Document.owner_org_id,
            Programme.enterprise_id == Document.owner_org_id,
        ),
    )
    match user.role:
        case Role.ENTERPRISE | Role.INSTITUTION:
            own = Document.owner_org_id == user.org_id
        case Role.DISTRICT:
            own = in_district(user, Document.district_code)
        case _:
            return sa.select(Document).where(sa.false())
    return sa.select(Document).where(sa.or_(own, in_programme.exists()))


_SCOPES: dict[type, Callable[[object], sa.Select]] = {
    Organisation: organisations_for,
    Programme: programmes_for,
    Document: documents_for,
}


def visible(model: type, user) -> sa.Select:
    return _SCOPES[model](user)


def get_or_404_for(user, model: type, id_: int, action: str = "view"):
    obj = db.session.scalar(visible(model, user).where(model.id == id_))
    if obj is None:
        abort(404)
    if not can(user, action, obj):
        abort(403)
    return obj


def _org_permissions(user, org: Organisation) -> dict[str, bool]:
    own = user.role in (Role.ENTERPRISE, Role.INSTITUTION) and user.org_id == org.id
    district = user.role == Role.DISTRICT and user.district_code == org.district_code
    return {
        "view": own or district or user.role == Role.CENTER,
        "edit": own and org.state.editable,
        "submit": own and org.state.editable,
        "district_review": district and org.state == ReviewState.SUBMITTED,
        "center_review": user.role == Role.CENTER
        and org.state == ReviewState.DISTRICT_APPROVED,
    }


def _programme_permissions(user, programme: Programme) -> dict[str, bool]:
    owner = user.role == Role.ENTERPRISE and user.org_id == programme.enterprise_id
    partner = user.role == Role.INSTITUTION and user.org_id == programme.institution_id
    district = user.role == Role.DISTRICT and user.district_code == programme.district_code
    editable = programme.state.editable
    confirmed = programme.institution_confirmed_at is not None
    return {
        "view": owner or partner or district or user.role == Role.CENTER
        or (user.role == Role.ENTERPRISE and user.org_id == programme.entrusted_enterprise_id),
        "edit": owner and editable,
        "institution_confirm": partner and editable and not confirmed,
        "submit": owner and editable and confirmed,
        # Class sessions (attendance): either party that trains, once the programme is approved.
        "open_session": (owner or partner) and programme.state == ReviewState.APPROVED,
        "district_review": district and programme.state == ReviewState.SUBMITTED,
        "center_review": user.role == Role.CENTER
        and programme.state == ReviewState.DISTRICT_APPROVED,
    }


def _document_permissions(user, doc: Document) -> dict[str, bool]:
    # Reaching the object at all went through documents_for, which is the real check.
    return {"view": True}


_PERMISSIONS: dict[type, Callable[[object, object], dict[str, bool]]] = {
    Organisation: _org_permissions,
    Programme: _programme_permissions,
    Document: _document_permissions,
}


def can(user, action: str, obj) -> bool:
    """True only if role, district and state all fit; also a Jinja global for buttons."""
    if user is None or not user.is_authenticated:
        return False
    rules = _PERMISSIONS.get(type(obj))
    return bool(rules and rules(user, obj).get(action, False))


# --- Mentors (AP-M1..M4) and the two sides of a programme's training (AP-C4) -------------


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
    """
    if user.role == Role.ENTERPRISE and user.org_id == programme.enterprise_id:
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


_SCOPES[Mentor] = mentors_for
_PERMISSIONS[Mentor] = _mentor_permissions


# --- Leave (请假/销假) and changes of status (学籍异动), AP-P2 ------------------------------

from portal.models import (  # noqa: E402
    Apprentice,
    Enrolment,
    EnrolmentState,
    LeaveRequest,
    LeaveState,
    StatusChange,
)

# services.status_changes.ChangeState values (strings here: services import this module).
_CHANGE_OPEN = ("submitted", "returned")


def trainee_enrolments(user) -> sa.Select:
    """AP-P2: a trainee's own enrolments; the enrolment always comes from the logged-in user."""
    if user.role != Role.TRAINEE:
        return sa.select(Enrolment).where(sa.false())
    return (sa.select(Enrolment).join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
            .where(Apprentice.user_id == user.id))


def _enrolment_scope(user) -> sa.ColumnElement[bool]:
    """C-DIST: enrolments whose leave and changes of status the user may see."""
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


def leave_requests_for(user) -> sa.Select:
    """AP-P2: the trainee's own leave; the enterprise's apprentices'; the district's; all."""
    return (sa.select(LeaveRequest).join(Enrolment, Enrolment.id == LeaveRequest.enrolment_id)
            .where(_enrolment_scope(user)))


def status_changes_for(user) -> sa.Select:
    """AP-P2, C-DIST: the enterprise's own requests, the district's queue, the whole city."""
    q = sa.select(StatusChange).join(Enrolment, Enrolment.id == StatusChange.enrolment_id)
    match user.role:
        case Role.ENTERPRISE | Role.CENTER:
            return q.where(_enrolment_scope(user))
        case Role.DISTRICT:
            return q.where(in_district(user, StatusChange.district_code))
    return q.where(sa.false())


def _enrolment_of(obj) -> Enrolment | None:
    # Lists load the enrolment with the row, so this is an identity-map hit, not a query.
    return db.session.get(Enrolment, obj.enrolment_id) if obj.enrolment_id else None


def _is_trainee_of(user, enrolment: Enrolment) -> bool:
    if user.role != Role.TRAINEE:
        return False
    apprentice = db.session.get(Apprentice, enrolment.apprentice_id)
    return apprentice is not None and apprentice.user_id == user.id


def _leave_permissions(user, leave: LeaveRequest) -> dict[str, bool]:
    enrolment = _enrolment_of(leave)
    if enrolment is None:
        return {}
    trainee = _is_trainee_of(user, enrolment)
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


def _status_change_permissions(user, change: StatusChange) -> dict[str, bool]:
    enrolment = _enrolment_of(change)
    if enrolment is None:
        return {}
    owner = user.role == Role.ENTERPRISE and user.org_id == enrolment.enterprise_id
    district = user.role == Role.DISTRICT and user.district_code == change.district_code
    state = change.state or "submitted"
    return {
        "view": owner or district or user.role == Role.CENTER,
        # A new request has no id yet; a returned one is edited and resubmitted (C-REV).
        "submit": owner and (change.id is None or state == "returned"),
        "edit": owner and state == "returned",
        "cancel": owner and state in _CHANGE_OPEN,
        "district_review": district and state == "submitted",
    }


_SCOPES[LeaveRequest] = leave_requests_for
_SCOPES[StatusChange] = status_changes_for
_PERMISSIONS[LeaveRequest] = _leave_permissions
_PERMISSIONS[StatusChange] = _status_change_permissions


# --- Apprentice registration, district review and the student record (AP-W2, C-PII) ------


def enrolments_for(user) -> sa.Select:
    """AP-W2, C-DIST: the enterprise's own registrations, the district's, the partner
    institution's programmes', the trainee's own, the whole city for the centre."""
    if user.role == Role.INSTITUTION:
        partner = sa.select(Programme.id).where(Programme.institution_id == user.org_id)
        return sa.select(Enrolment).where(Enrolment.programme_id.in_(partner))
    return sa.select(Enrolment).where(_enrolment_scope(user))


def _enrolment_permissions(user, enrolment: Enrolment) -> dict[str, bool]:
    owner = user.role == Role.ENTERPRISE and user.org_id == enrolment.enterprise_id
    district = user.role == Role.DISTRICT and user.district_code == enrolment.district_code
    centre = user.role == Role.CENTER
    state = enrolment.state
    return {
        # The partner institution reaches an enrolment only through enrolments_for.
        "view": owner or district or centre or user.role == Role.INSTITUTION
        or _is_trainee_of(user, enrolment),
        "edit": owner and state.editable,
        "submit": owner and state.editable,
        "record_agreement": owner and state in (EnrolmentState.DRAFT, EnrolmentState.RETURNED,
                                                EnrolmentState.SUBMITTED),
        "district_review": district and state == EnrolmentState.SUBMITTED,
        # C-PII: masked in lists; the full ID on the detail page, audited.
        "view_full_id": owner or district or centre,
        "reset_password": owner and state in (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED),
    }


_SCOPES[Enrolment] = enrolments_for
_PERMISSIONS[Enrolment] = _enrolment_permissions


# --- Class sessions and check-ins (attendance, AP-P3, AP-P4) -------------------------------

from portal.models import ClassSession  # noqa: E402


def class_sessions_for(user) -> sa.Select:
    """Sessions of the programmes in scope; a trainee's: those of programmes enrolled in."""
    q = sa.select(ClassSession)
    if user.role == Role.TRAINEE:
        enrolled = trainee_enrolments(user).with_only_columns(Enrolment.programme_id)
        return q.where(ClassSession.programme_id.in_(enrolled))
    in_scope = sa.select(Programme.id).where(_programme_scope(user))
    return q.where(ClassSession.programme_id.in_(in_scope))


def _class_session_permissions(user, class_session: ClassSession) -> dict[str, bool]:
    # The organisation that opened the session runs it; the others reach it read-only.
    runner = (user.role in (Role.ENTERPRISE, Role.INSTITUTION)
              and user.org_id == class_session.org_id)
    return {
        "view": True,  # reaching the object at all went through class_sessions_for
        "run": runner,
        "close": runner and class_session.closed_at is None,
        "add_evidence": runner,
    }


_SCOPES[ClassSession] = class_sessions_for
_PERMISSIONS[ClassSession] = _class_session_permissions
