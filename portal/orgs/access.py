"""Who sees and acts on organisations and their documents (AP-N1, AP-I1, AP-W4, C-DIST).

A high-skill host that is neither enterprise nor institution (OrgKind.HOST, HS-H1) belongs to
the municipal programme: the centre confirms it, districts neither see nor review it.
"""

import sqlalchemy as sa

from portal.apprenticeship.programmes.access import programme_scope
from portal.core.access import in_district, register
from portal.models import (
    ClassSession,
    Document,
    Inspection,
    InspectionPhoto,
    Organisation,
    OrgKind,
    Programme,
    ReviewState,
    Role,
    SessionEvidence,
    TrainingAgreement,
)


def organisations_for(user) -> sa.Select:
    q = sa.select(Organisation)
    match user.role:
        case Role.ENTERPRISE | Role.INSTITUTION | Role.HOST:
            return q.where(Organisation.id == user.org_id)
        case Role.DISTRICT:
            return q.where(in_district(user, Organisation.district_code),
                           Organisation.kind != OrgKind.HOST)
        case Role.CENTER:
            return q
    return q.where(sa.false())


def _attachments() -> sa.Subquery:
    """(document_id, programme_id) of every file that belongs to a programme."""
    return sa.union_all(
        sa.select(Programme.agreement_document_id.label("document_id"),
                  Programme.id.label("programme_id")),
        sa.select(Programme.entrustment_document_id, Programme.id),
        sa.select(TrainingAgreement.document_id, TrainingAgreement.programme_id),
        sa.select(SessionEvidence.document_id, ClassSession.programme_id)
        .join(ClassSession, ClassSession.id == SessionEvidence.session_id),
        # AP-V1: an inspection's photos go to the inspected programme's parties.
        sa.select(InspectionPhoto.document_id, Inspection.programme_id)
        .join(Inspection, Inspection.id == InspectionPhoto.inspection_id),
    ).subquery("attachment")


def documents_for(user) -> sa.Select:
    """C-DIST: a programme's files go to that programme's parties (its enterprise, entrusted
    enterprise, institution, district); an organisation's own files (licence) to it and its
    district. The uploader keeps its own files; the centre sees all.

    Sharing one programme does not open a partner's other files (issue 10, item 8).
    """
    if user.role == Role.CENTER:
        return sa.select(Document)
    attached = _attachments()
    of_programme_in_scope = sa.exists().where(
        attached.c.document_id == Document.id,
        attached.c.programme_id.in_(sa.select(Programme.id).where(programme_scope(user))),
    )
    match user.role:
        case Role.ENTERPRISE | Role.INSTITUTION | Role.HOST:
            own = Document.owner_org_id == user.org_id
        case Role.DISTRICT:
            # A programme's file is reviewed by the programme's district, even when the
            # uploader (an institution elsewhere) belongs to another.
            is_attached = sa.exists().where(attached.c.document_id == Document.id)
            of_host = sa.exists().where(Organisation.id == Document.owner_org_id,
                                        Organisation.kind == OrgKind.HOST)
            own = sa.and_(in_district(user, Document.district_code), ~is_attached, ~of_host)
        case _:
            return sa.select(Document).where(sa.false())
    return sa.select(Document).where(sa.or_(own, of_programme_in_scope))


def _org_permissions(user, org: Organisation) -> dict[str, bool]:
    own = (user.role in (Role.ENTERPRISE, Role.INSTITUTION, Role.HOST)
           and user.org_id == org.id)
    host = org.kind == OrgKind.HOST
    district = (user.role == Role.DISTRICT and user.district_code == org.district_code
                and not host)
    # HS-H1: the centre confirms a host straight after its submission (no district step).
    center_turn = ReviewState.SUBMITTED if host else ReviewState.DISTRICT_APPROVED
    return {
        "view": own or district or user.role == Role.CENTER,
        "edit": own and org.state.editable,
        "submit": own and org.state.editable,
        "district_review": district and org.state == ReviewState.SUBMITTED,
        "center_review": user.role == Role.CENTER and org.state == center_turn,
    }


def _document_permissions(user, doc: Document) -> dict[str, bool]:
    # Reaching the object at all went through documents_for, which is the real check.
    return {"view": True}


register(Organisation, organisations_for, _org_permissions)
register(Document, documents_for, _document_permissions)
