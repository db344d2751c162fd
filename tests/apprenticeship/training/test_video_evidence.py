"""AP-P3: videos of the training site, checked by content, limited by kind, streamed."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from portal.core import files as documents
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import Document, DocumentKind, Organisation, SessionEvidence
from tests.apprenticeship.training import test_attendance_evidence as photos
from tests.factories import PNG_BYTES, make_org, upload
from tests.orgs.test_org_uploads import _post_large as post_multipart

# The session, its parties and a logged-in client each, as for photos.
client_for, session_world = photos.client_for, photos.session_world
KB = 1024


def _video(brand: bytes = b"isom", size: int = 64 * KB) -> bytes:
    """An ISO-BMFF file as cameras write it: an 'ftyp' box, then the media data box."""
    ftyp = (20).to_bytes(4, "big") + b"ftyp" + brand + b"\x00\x00\x02\x00" + brand
    mdat = (size - len(ftyp)).to_bytes(4, "big") + b"mdat"
    return ftyp + mdat + bytes(range(256)) * ((size - len(ftyp) - 8) // 256 + 1)


MP4 = _video()[: 64 * KB]
MOV = _video(b"qt  ")[: 64 * KB]


def _post(client, session_id, data, name):
    return post_multipart(client, f"/institution/sessions/{session_id}/evidence",
                          {"photo": upload(data, name)})


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(("data", "name", "mime"), [
    (MP4, "实训操作.mp4", "video/mp4"),
    (MOV, "IMG_0001.MOV", "video/quicktime"),
])
def test_AP_P3_mp4_evidence_accepted(session_world, client_for, app, data, name, mime):
    _, _, institution_user, session = session_world
    # A video is larger than any other upload: the request limit of every other page
    # must not refuse it.
    app.config["MAX_CONTENT_LENGTH"] = 16 * KB
    teacher = client_for(institution_user)
    assert _post(teacher, session.id, data, name).status_code == 302
    doc = db.session.get(Document, db.session.scalar(sa.select(SessionEvidence.document_id)))
    assert (doc.content_type, doc.size_bytes, doc.original_name) == (mime, len(data), name)
    page = teacher.get(f"/institution/sessions/{session.id}").get_data(as_text=True)
    assert f'<video controls preload="metadata" src="/files/{doc.id}"' in page
    assert "MP4 或 MOV 视频" in page  # the field says what it takes


@pytest.mark.parametrize(("data", "name"), [
    (b"MZ\x90\x00" + bytes(4000), "实训操作.mp4"),  # a program renamed .mp4
    (b"<html><script>alert(1)</script></html>", "clip.mov"),
    (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom" + bytes(100), "song.mp4"),  # audio
])
def test_AP_P3_fake_video_refused_by_content(session_world, client_for, data, name):
    _, _, institution_user, session = session_world
    response = _post(client_for(institution_user), session.id, data, name)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # Refused for what the bytes are, with the kinds the field does take.
    assert "文件类型不受支持：请上传 JPG 或 PNG 照片，或 MP4 或 MOV 视频" in body
    assert _count(SessionEvidence) == 0 and _count(Document) == 0


def test_AP_P3_video_over_limit_refused(session_world, client_for, app, tmp_path):
    _, _, institution_user, session = session_world
    app.config.update(UPLOAD_MAX_BYTES=1024 * KB, UPLOAD_VIDEO_MAX_BYTES=2048 * KB)
    teacher = client_for(institution_user)
    response = _post(teacher, session.id, _video(size=2048 * KB + 1), "太长.mp4")
    assert response.status_code == 200
    assert "文件不能超过 2 MB" in response.get_data(as_text=True)
    assert _count(SessionEvidence) == 0 and _count(Document) == 0
    assert not any((tmp_path / "uploads").glob("*"))  # no orphan file
    # Each kind has its own limit: a video of 1.5 MB passes where a photo of that size fails.
    photo = _post(teacher, session.id, PNG_BYTES + bytes(1536 * KB), "大图.png")
    assert "文件不能超过 1 MB" in photo.get_data(as_text=True)
    assert _post(teacher, session.id, _video(size=1536 * KB), "短片.mp4").status_code == 302
    assert _count(SessionEvidence) == 1


def test_AP_P3_video_download_streams_with_range(session_world, client_for):
    programme, enterprise_user, institution_user, session = session_world
    _post(client_for(institution_user), session.id, MP4, "实训操作.mp4")
    doc_id = db.session.scalar(sa.select(SessionEvidence.document_id))
    viewer = client_for(enterprise_user)
    with viewer.get(f"/files/{doc_id}", headers={"Range": "bytes=100-1123"}) as part:
        assert part.status_code == 206
        assert part.headers["Content-Range"] == f"bytes 100-1123/{len(MP4)}"
        assert part.headers["Content-Type"] == "video/mp4"
        assert part.data == MP4[100:1124]
    with viewer.get(f"/files/{doc_id}") as whole:
        assert whole.headers["Accept-Ranges"] == "bytes"
        assert whole.is_streamed and whole.data == MP4  # sent from the file, not a bytes body


class _ChunksOnly(io.BytesIO):
    """A stream that fails the test if anyone reads it whole or in big gulps."""

    def read(self, size=-1):
        assert 0 < size <= 1024 * KB, f"read({size})"
        return super().read(size)


def test_AP_P3_video_is_copied_to_storage_in_chunks(app, db, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    owner = db.session.get(Organisation, make_org().id)
    video = _video(size=3 * 1024 * KB)
    upload_ = FileStorage(stream=_ChunksOnly(video), filename="长视频.mp4")
    doc = documents.store(None, upload_, DocumentKind.SESSION_EVIDENCE, owner,
                          media=(documents.VIDEOS,))
    assert doc.size_bytes == len(video)
    assert (tmp_path / "uploads" / doc.stored_name).read_bytes() == video
    with pytest.raises(ServiceError, match="文件类型不受支持"):  # a video is no licence
        documents.store(None, FileStorage(stream=io.BytesIO(video), filename="a.mp4"),
                        DocumentKind.BUSINESS_LICENCE, owner)
