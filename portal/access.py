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


def require_role(*roles: Role) -> Callable:
    """A blueprint's before_request guard: anonymous → login, wrong role → 403."""

    def guard():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.role not in roles:
            abort(403)
        if current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
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
        "edit": own and org.status.editable,
        "submit": own and org.status.editable,
        "district_review": district and org.status == ReviewState.SUBMITTED,
        "center_review": user.role == Role.CENTER
        and org.status == ReviewState.DISTRICT_APPROVED,
    }


def _programme_permissions(user, programme: Programme) -> dict[str, bool]:
    owner = user.role == Role.ENTERPRISE and user.org_id == programme.enterprise_id
    partner = user.role == Role.INSTITUTION and user.org_id == programme.institution_id
    district = user.role == Role.DISTRICT and user.district_code == programme.district_code
    editable = programme.status.editable
    confirmed = programme.institution_confirmed_at is not None
    return {
        "view": owner or partner or district or user.role == Role.CENTER
        or (user.role == Role.ENTERPRISE and user.org_id == programme.entrusted_enterprise_id),
        "edit": owner and editable,
        "institution_confirm": partner and editable and not confirmed,
        "submit": owner and editable and confirmed,
        "district_review": district and programme.status == ReviewState.SUBMITTED,
        "center_review": user.role == Role.CENTER
        and programme.status == ReviewState.DISTRICT_APPROVED,
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
