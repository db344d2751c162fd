"""C-DIST: a document is seen by the parties of the object it belongs to, nobody else.

A programme's files (cooperation and entrustment agreements, training agreements, session
evidence) belong to that programme; an organisation's own files (its licence) to the
organisation. Sharing one programme with an enterprise used to open all of its files.
"""

import pytest

from portal.extensions import db
from portal.models import DocumentKind, OrgKind, ReviewState, Role, SessionEvidence
from tests.enrolment_factories import make_agreement, make_class_session, make_enrolment
from tests.factories import PNG_BYTES, make_document, make_org, make_user
from tests.programme_factories import make_institution, make_occupation, make_programme


def _attach(owner, kind: DocumentKind, name: str, data=None):
    doc = make_document(owner, **({"data": data} if data else {}), name=name,
                        set_as_licence=False)
    doc.kind = kind
    db.session.commit()
    return doc


@pytest.fixture
def partners(app):
    """One enterprise (朝阳) with two programmes, each with its own institution (海淀)."""
    enterprise = make_org(district="110105", state=ReviewState.APPROVED)
    occupation = make_occupation()
    ours, theirs = make_institution([occupation]), make_institution([occupation])
    shared = make_programme(ReviewState.APPROVED, enterprise=enterprise, occupation=occupation,
                            institution=ours)
    other = make_programme(ReviewState.APPROVED, enterprise=enterprise, occupation=occupation,
                           institution=theirs)
    for programme in (shared, other):
        programme.agreement_document_id = _attach(
            enterprise, DocumentKind.COOPERATION_AGREEMENT, "合作协议.pdf").id
    db.session.commit()
    return enterprise, ours, theirs, shared, other


@pytest.fixture
def status_as(client, login):
    def _status(user, doc_id: int) -> int:
        client.post("/logout")
        login(user)
        with client.get(f"/files/{doc_id}") as response:  # closes the sent file
            return response.status_code

    return _status


def test_C_DIST_institution_cannot_download_unrelated_enterprise_document(partners, status_as):
    enterprise, ours, _theirs, _shared, other = partners
    licence = make_document(enterprise)
    agreement = make_agreement(other, [make_enrolment(programme=other)])
    agreement.document_id = _attach(enterprise, DocumentKind.TRAINING_AGREEMENT, "培训协议.pdf").id
    db.session.commit()
    partner = make_user(Role.INSTITUTION, org=ours)
    for doc_id in (other.agreement_document_id, agreement.document_id, licence.id):
        assert status_as(partner, doc_id) == 404, doc_id


def test_C_DIST_programme_institution_downloads_that_programmes_document(partners, status_as):
    enterprise, ours, theirs, shared, other = partners
    assert status_as(make_user(Role.INSTITUTION, org=ours), shared.agreement_document_id) == 200
    assert status_as(make_user(Role.INSTITUTION, org=theirs), other.agreement_document_id) == 200
    owner = make_user(Role.ENTERPRISE, org=enterprise)
    assert status_as(owner, shared.agreement_document_id) == 200
    assert status_as(owner, other.agreement_document_id) == 200


def test_C_DIST_enterprise_cannot_download_its_partner_institutions_own_files(partners, status_as):
    enterprise, ours, _theirs, _shared, _other = partners
    licence = make_document(ours)
    assert status_as(make_user(Role.ENTERPRISE, org=enterprise), licence.id) == 404
    assert status_as(make_user(Role.INSTITUTION, org=ours), licence.id) == 200
    assert status_as(make_user(Role.DISTRICT, district=ours.district_code), licence.id) == 200


def test_C_DIST_programme_document_is_seen_by_the_programmes_district(partners, status_as):
    """Evidence uploaded by a 海淀 institution for a 朝阳 programme is 朝阳's to review."""
    _enterprise, ours, _theirs, shared, _other = partners
    photo = _attach(ours, DocumentKind.SESSION_EVIDENCE, "现场.png", PNG_BYTES)
    db.session.add(SessionEvidence(session_id=make_class_session(shared).id, document_id=photo.id))
    db.session.commit()
    assert status_as(make_user(Role.DISTRICT, district="110105"), photo.id) == 200
    assert status_as(make_user(Role.DISTRICT, district="110108"), photo.id) == 404
    assert status_as(make_user(Role.INSTITUTION, org=ours), photo.id) == 200
    assert status_as(make_user(Role.CENTER), photo.id) == 200
    stranger = make_user(Role.INSTITUTION, org=make_org(OrgKind.INSTITUTION, "110108"))
    assert status_as(stranger, photo.id) == 404
