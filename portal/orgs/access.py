"""Who sees and acts on organisations and their documents (AP-N1, AP-I1, AP-W4, C-DIST)."""

import sqlalchemy as sa

from portal.apprenticeship.programmes.access import programme_scope
from portal.core.access import in_district, register
from portal.models import Document, Organisation, Programme, ReviewState, Role


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


def documents_for(user) -> sa.Select:
    """Own files; files of programmes in scope (agreements, the partner's licence)."""
    if user.role == Role.CENTER:
        return sa.select(Document)
    in_programme = sa.select(Programme.id).where(
        programme_scope(user),
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


def _document_permissions(user, doc: Document) -> dict[str, bool]:
    # Reaching the object at all went through documents_for, which is the real check.
    return {"view": True}


register(Organisation, organisations_for, _org_permissions)
register(Document, documents_for, _document_permissions)
