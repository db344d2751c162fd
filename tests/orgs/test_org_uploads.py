"""Licence uploads and downloads: checked by content, sized, stored outside static/, served
only within scope (AP-N1, AP-I2, C-DIST)."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.core import files as documents
from portal.core.errors import ServiceError
from portal.models import Document, DocumentKind, Organisation, OrgKind, ReviewState, Role, User
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    make_document,
    make_org,
    make_user,
    upload,
    use_tmp_uploads,
)
from tests.orgs.test_registration import enterprise_form

MB = 1024 * 1024
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    use_tmp_uploads(app, tmp_path)


def _written(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def _post_large(client, url: str, form: dict):
    """Post a multipart body built in memory: the test client spools a large body to a
    temporary file it never closes (a ResourceWarning, an error under filterwarnings)."""
    fields = {key: FileStorage(stream=value[0], filename=value[1]) if isinstance(value, tuple)
              else value for key, value in form.items()}
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _nothing_written(db, app) -> bool:
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m))
              for m in (Organisation, User, Document)]
    return counts == [0, 0, 0] and _written(app) == []


# --- refused uploads --------------------------------------------------------------------


def test_AP_N1_oversized_licence_gets_a_chinese_message_and_nothing_is_written(client, db, app):
    too_big = PDF_BYTES + b"0" * (10 * MB + 1 - len(PDF_BYTES))
    response = _post_large(client, "/register/enterprise",
                           enterprise_form(licence_file=upload(too_big, "营业执照.pdf")))
    assert response.status_code == 200
    assert "文件不能超过 10 MB" in response.get_data(as_text=True)
    assert _nothing_written(db, app)


def test_AP_N1_request_over_max_content_length_is_413_and_nothing_is_written(client, db, app):
    huge = PDF_BYTES + b"0" * (13 * MB)
    response = _post_large(client, "/register/enterprise",
                           enterprise_form(licence_file=upload(huge, "营业执照.pdf")))
    assert response.status_code == 413
    assert "上传的文件过大" in response.get_data(as_text=True)
    assert _nothing_written(db, app)


@pytest.mark.parametrize(("data", "name"), [
    (EXE_BYTES, "营业执照.pdf"),      # a program renamed .pdf
    (HTML_BYTES, "营业执照.png"),     # a page with a script renamed .png
    (b"just some text", "营业执照.jpg"),
])
def test_AP_N1_disguised_upload_is_refused_by_content(client, db, app, data, name):
    response = client.post("/register/enterprise",
                           data=enterprise_form(licence_file=upload(data, name)))
    assert response.status_code == 200
    assert "文件类型不受支持" in response.get_data(as_text=True)
    assert _nothing_written(db, app)


def test_AP_N1_empty_file_is_refused(client, db, app):
    response = client.post("/register/enterprise",
                           data=enterprise_form(licence_file=upload(b"", "营业执照.pdf")))
    assert "上传的文件为空" in response.get_data(as_text=True)
    assert _nothing_written(db, app)


def test_upload_name_cannot_steer_where_the_file_is_stored(client, db, app):
    form = enterprise_form(licence_file=upload(PNG_BYTES, "../../portal/static/x.pdf"))
    assert client.post("/register/enterprise", data=form).status_code == 302
    doc = db.session.scalar(sa.select(Document))
    assert doc.original_name == "x.pdf"
    # Named by the server, with the extension of the real content, inside UPLOAD_DIR only.
    assert doc.stored_name.endswith(".png") and "/" not in doc.stored_name
    assert _written(app) == [Path(app.config["UPLOAD_DIR"]) / doc.stored_name]


def test_uploads_are_kept_outside_static():
    from portal.config import from_environment

    static = (Path(documents.__file__).parents[1] / "static").resolve()
    assert not Path(from_environment()["UPLOAD_DIR"]).resolve().is_relative_to(static)


# --- the transaction: no orphan file ---------------------------------------------------


def _file(data: bytes = PDF_BYTES) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename="营业执照.pdf")


def test_rolled_back_upload_leaves_no_row_and_no_file(db, app):
    org = make_org()
    doc = documents.store(None, _file(), DocumentKind.BUSINESS_LICENCE, org)
    path = Path(app.config["UPLOAD_DIR"]) / doc.stored_name
    assert path.is_file()
    db.session.rollback()  # e.g. a later rule refused the request
    assert not path.exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_committed_upload_keeps_its_file(db, app):
    doc = make_document(make_org())
    db.session.rollback()  # a later, unrelated rollback must not touch committed files
    assert (Path(app.config["UPLOAD_DIR"]) / doc.stored_name).read_bytes() == PDF_BYTES


def test_refused_upload_is_refused_before_anything_is_written(db, app):
    org = make_org()
    with pytest.raises(ServiceError, match="文件类型不受支持"):
        documents.store(None, _file(EXE_BYTES), DocumentKind.BUSINESS_LICENCE, org)
    assert _written(app) == []


# --- downloads (C-DIST) -----------------------------------------------------------------


def _status(client, doc_id: int) -> int:
    with client.get(f"/files/{doc_id}") as response:  # closes the sent file
        return response.status_code


@pytest.fixture
def licensed():
    """An enterprise in 朝阳 (110105) with its business licence."""
    org = make_org(OrgKind.ENTERPRISE, "110105", ReviewState.SUBMITTED)
    return org, make_document(org, name="营业执照.pdf")


def test_owner_downloads_its_licence_as_an_attachment(client, login, licensed):
    org, doc = licensed
    login(make_user(Role.ENTERPRISE, org=org))
    with client.get(f"/files/{doc.id}") as response:
        assert response.status_code == 200
        assert response.data == PDF_BYTES
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]


def test_C_DIST_another_enterprise_gets_404(client, login, licensed):
    _org, doc = licensed
    login(make_user(Role.ENTERPRISE, org=make_org()))
    assert _status(client, doc.id) == 404


def test_C_DIST_an_institution_without_a_shared_programme_gets_404(client, login, licensed):
    _org, doc = licensed
    login(make_user(Role.INSTITUTION, org=make_org(OrgKind.INSTITUTION)))
    assert _status(client, doc.id) == 404


def test_C_DIST_the_owners_district_downloads(client, login, licensed):
    _org, doc = licensed
    login(make_user(Role.DISTRICT, district="110105"))
    assert _status(client, doc.id) == 200


def test_C_DIST_another_district_gets_404(client, login, licensed):
    _org, doc = licensed
    login(make_user(Role.DISTRICT, district="110108"))
    assert _status(client, doc.id) == 404


def test_C_DIST_the_centre_downloads(client, login, licensed):
    _org, doc = licensed
    login(make_user(Role.CENTER))
    assert _status(client, doc.id) == 200


def test_anonymous_download_goes_to_login(client, licensed):
    _org, doc = licensed
    with client.get(f"/files/{doc.id}") as response:
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_missing_document_and_missing_bytes_are_404_not_500(client, login, licensed, app):
    org, doc = licensed
    login(make_user(Role.ENTERPRISE, org=org))
    assert _status(client, doc.id + 1000) == 404
    (Path(app.config["UPLOAD_DIR"]) / doc.stored_name).unlink()
    assert _status(client, doc.id) == 404


def test_AP_W1_reviewer_sees_the_licence_link_on_the_review_page(client, login, licensed):
    org, doc = licensed
    login(make_user(Role.DISTRICT, district="110105"))
    page = client.get(f"/district/organisations/{org.id}").get_data(as_text=True)
    assert f'href="/files/{doc.id}"' in page and "营业执照" in page
