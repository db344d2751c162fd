"""AP-P3: photos of the training site attached to a class session, seen by every party."""

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditLog, Document, ReviewState, Role, SessionEvidence
from tests.enrolment_factories import make_class_session, programme_parties
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    PNG_BYTES,
    make_org,
    make_user,
    upload,
    use_tmp_uploads,
)
from tests.programme_factories import make_programme


@pytest.fixture
def client_for(app, client, tmp_path):
    use_tmp_uploads(app, tmp_path)

    def _client(user):
        other = app.test_client()
        response = other.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        return other

    return _client


@pytest.fixture
def session_world(db):
    programme = make_programme(state=ReviewState.APPROVED)  # enterprise in 110105
    enterprise_user, institution_user = programme_parties(programme)
    return programme, enterprise_user, institution_user, make_class_session(programme)


def _post_photo(client, session_id, data=PNG_BYTES, name="现场.png"):
    return client.post(f"/institution/sessions/{session_id}/evidence",
                       data={"photo": upload(data, name)}, content_type="multipart/form-data")


def test_AP_P3_a_photo_attached_to_a_session_shows_as_a_thumbnail(session_world, client_for):
    _, _, institution_user, session = session_world
    teacher = client_for(institution_user)
    response = _post_photo(teacher, session.id)
    assert response.status_code == 302
    evidence = db.session.scalar(sa.select(SessionEvidence))
    doc = db.session.get(Document, evidence.document_id)
    assert (evidence.session_id, doc.content_type, doc.original_name) == (
        session.id, "image/png", "现场.png")
    page = teacher.get(f"/institution/sessions/{session.id}").get_data(as_text=True)
    assert f'<img src="/files/{doc.id}"' in page and f'href="/files/{doc.id}"' in page
    assert db.session.scalar(sa.select(AuditLog.action).where(
        AuditLog.object_type == "class_session", AuditLog.action == "add_evidence"))


def test_AP_P3_evidence_is_visible_to_the_sessions_parties_district_and_centre(
        session_world, client_for):
    programme, enterprise_user, institution_user, session = session_world
    _post_photo(client_for(institution_user), session.id)
    doc_id = db.session.scalar(sa.select(SessionEvidence.document_id))
    allowed = [enterprise_user, institution_user, make_user(Role.DISTRICT, district="110105"),
               make_user(Role.CENTER)]
    for user in allowed:
        with client_for(user).get(f"/files/{doc_id}") as response:  # closes the sent file
            assert response.status_code == 200, user.role
            assert response.data == PNG_BYTES
    strangers = [make_user(Role.DISTRICT, district="110101"),
                 make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.APPROVED)),
                 make_user(Role.TRAINEE)]
    for user in strangers:
        with client_for(user).get(f"/files/{doc_id}") as response:
            assert response.status_code == 404, user.role


def test_AP_P3_only_photos_are_accepted(session_world, client_for):
    _, _, institution_user, session = session_world
    response = _post_photo(client_for(institution_user), session.id, PDF_BYTES, "报告.pdf")
    assert response.status_code == 200
    assert "JPG 或 PNG 照片" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionEvidence)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_AP_P3_only_the_organisation_running_the_session_uploads(session_world, client_for):
    _, enterprise_user, _, session = session_world
    boss = client_for(enterprise_user)  # the partner: sees the session, does not run it
    response = boss.post(f"/enterprise/sessions/{session.id}/evidence",
                         data={"photo": upload(PNG_BYTES, "a.png")},
                         content_type="multipart/form-data")
    assert response.status_code == 403
    assert "上传照片</button>" not in boss.get(
        f"/enterprise/sessions/{session.id}").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionEvidence)) == 0
