"""HS-P5: the trainee uploads the work summary from the phone (PDF, Word or a photo), the host
on the trainee's behalf from a computer; replaced freely until the completion filing."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditLog, Document, DocumentKind, HsTrainee, ProposalState, Role
from tests.factories import PDF_BYTES, PNG_BYTES, make_user, upload
from tests.high_skill.factories_delivery import make_host_user, user_of


def doc_bytes() -> bytes:
    """The start of a Word 97-2003 file as `filetype` recognises it (OLE2, Word's FIB)."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    return ole + bytes(512 - len(ole)) + b"\xec\xa5\xc1\x00" + bytes(1024)


def reload(trainee: HsTrainee) -> HsTrainee:
    db.session.rollback()
    return db.session.get(HsTrainee, trainee.id)


def test_HS_P5_trainee_uploads_and_replaces_the_summary_from_the_phone(hs, client_for):
    trainee = hs.trainees[0]
    phone = client_for(user_of(trainee))
    page = phone.get(f"/m/hs/trainees/{trainee.id}/summary").get_data(as_text=True)
    assert "上传工作总结" in page and 'for="summary"' in page
    response = phone.post(f"/m/hs/trainees/{trainee.id}/summary",
                          data={"summary": upload(PDF_BYTES, "研修总结.pdf")})
    assert response.status_code == 302
    first = reload(trainee)
    doc = db.session.get(Document, first.summary_document_id)
    assert doc.kind == DocumentKind.HS_WORK_SUMMARY and doc.owner_org_id == hs.project.host_id
    assert first.summary_uploaded_at is not None
    # Replaced by a Word file; the download answers with the right type and name.
    phone.post(f"/m/hs/trainees/{trainee.id}/summary",
               data={"summary": upload(doc_bytes(), "总结修改稿.doc")})
    second = reload(trainee)
    assert second.summary_document_id != doc.id
    with phone.get(f"/m/hs/trainees/{trainee.id}/summary/file") as file:
        assert file.status_code == 200 and file.data == doc_bytes()
        assert file.headers["Content-Disposition"].startswith("attachment")
        assert file.headers["Content-Disposition"].endswith(".doc")
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "hs_trainee", AuditLog.object_id == trainee.id)).all()
    assert actions == ["upload_summary", "replace_summary"]
    assert "工作总结已提交" in phone.get("/m/").get_data(as_text=True)


def test_HS_P5_a_file_of_another_type_is_refused(hs, client_for):
    trainee = hs.trainees[0]
    phone = client_for(user_of(trainee))
    response = phone.post(f"/m/hs/trainees/{trainee.id}/summary",
                          data={"summary": upload(b"just some text", "总结.txt")})
    assert response.status_code == 200 and "文件类型不受支持" in response.get_data(as_text=True)
    assert reload(trainee).summary_document_id is None


def test_HS_P5_host_uploads_on_a_trainees_behalf(hs, client_for):
    trainee = hs.trainees[1]
    host = client_for(hs.host_user)
    response = host.post(f"/enterprise/hs/delivery/{hs.project.id}/trainees/{trainee.id}/summary",
                         data={"summary": upload(PNG_BYTES, "手写总结.png")})
    assert response.status_code == 302
    assert reload(trainee).summary_document_id is not None
    page = host.get(f"/enterprise/hs/delivery/{hs.project.id}").get_data(as_text=True)
    assert f"/enterprise/hs/delivery/{hs.project.id}/trainees/{trainee.id}/summary" in page
    with host.get(f"/enterprise/hs/delivery/{hs.project.id}/trainees/{trainee.id}/summary") as file:
        assert file.status_code == 200 and file.data == PNG_BYTES


def test_HS_P5_no_one_else_uploads_or_reads_a_summary(hs, client_for):
    trainee = hs.trainees[0]
    other_trainee = client_for(user_of(hs.trainees[1]))
    assert other_trainee.post(f"/m/hs/trainees/{trainee.id}/summary",
                              data={"summary": upload()}).status_code == 404
    assert other_trainee.get(f"/m/hs/trainees/{trainee.id}/summary/file").status_code == 404
    other_host = client_for(make_host_user())
    url = f"/enterprise/hs/delivery/{hs.project.id}/trainees/{trainee.id}/summary"
    assert other_host.post(url, data={"summary": upload()}).status_code == 404
    assert other_host.get(url).status_code == 404
    assert client_for(make_user(Role.TRAINEE)).get(
        f"/m/hs/trainees/{trainee.id}/summary").status_code == 404
    assert reload(trainee).summary_document_id is None


def test_HS_P5_no_replacement_after_the_completion_filing(hs, client_for):
    trainee = hs.trainees[0]
    hs.project.state = ProposalState.COMPLETED
    db.session.commit()
    phone = client_for(user_of(trainee))
    page = phone.get(f"/m/hs/trainees/{trainee.id}/summary").get_data(as_text=True)
    assert "不能再更换" in page and 'type="file"' not in page
    response = phone.post(f"/m/hs/trainees/{trainee.id}/summary", data={"summary": upload()})
    assert "不能再上传或更换" in response.get_data(as_text=True)
    host = client_for(hs.host_user)
    assert host.post(f"/enterprise/hs/delivery/{hs.project.id}/trainees/{trainee.id}/summary",
                     data={"summary": upload()}).status_code == 403
    assert reload(trainee).summary_document_id is None
