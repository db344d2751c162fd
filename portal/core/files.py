"""Uploads: checked by content, stored outside static/, served only through access checks.

Bytes are written to UPLOAD_DIR when the Document row is flushed, so they are on disk by
the time the view commits. If that transaction is rolled back instead (a later rule
refusal, a unique-key race, an exception), the files it wrote are deleted again: a refused
request leaves no row and no orphan file.

Each kind of file (documents, photos, videos) has its own size limit in the config; files
are copied to disk and sent back a chunk at a time, never held whole in memory.
"""

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath

import filetype
import sqlalchemy as sa
from flask import abort, current_app, request, send_file
from werkzeug.datastructures import FileStorage

from portal.core import audit
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import Document, DocumentKind, Organisation
from portal.models.base import utcnow


@dataclass(frozen=True)
class Media:
    """A family of accepted files: the types its bytes may be (MIME by content → stored
    extension), its name for the user, the config key of its size limit, and the file
    picker's `accept` (a convenience only: the server decides by content)."""

    label: str
    types: dict[str, str]
    limit_setting: str
    accept: str

    def limit(self) -> int:
        return current_app.config[self.limit_setting]


DOCUMENTS = Media("PDF、JPG 或 PNG 文件",
                  {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"},
                  "UPLOAD_MAX_BYTES", ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png")
PHOTOS = Media("JPG 或 PNG 照片", {"image/jpeg": "jpg", "image/png": "png"},
               "UPLOAD_MAX_BYTES", ".jpg,.jpeg,.png,image/jpeg,image/png")
# ISO-BMFF ('ftyp' box at offset 4) as phones and cameras write it: mp4/m4v, and
# QuickTime mov from iPhones.
VIDEOS = Media("MP4 或 MOV 视频",
               {"video/mp4": "mp4", "video/x-m4v": "m4v", "video/quicktime": "mov"},
               "UPLOAD_VIDEO_MAX_BYTES", ".mp4,.m4v,.mov,video/mp4,video/x-m4v,video/quicktime")

# Accepted by what the bytes are, not by the name the browser sent.
ALLOWED_TYPES = DOCUMENTS.types
ALLOWED_LABEL = "PDF、JPG 或 PNG"
ACCEPT_ATTRIBUTE = DOCUMENTS.accept
_EXTENSIONS = {**DOCUMENTS.types, **PHOTOS.types, **VIDEOS.types}

_PENDING = "portal.pending_upload_paths"
_SNIFF_BYTES = 8192  # what filetype reads to decide
_CHUNK = 1024 * 1024
# Room for the other fields and the multipart framing around the largest file.
_FORM_SLACK = 1024 * 1024


def _upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _mb(size: int) -> int:
    return size // (1024 * 1024)


def upload_hint(media: tuple[Media, ...] = (DOCUMENTS,)) -> str:
    """The help text under a file field, with each kind's configured limit."""
    limits = "；".join(f"{m.label}，不超过 {_mb(m.limit())} MB" for m in media)
    return f"{limits}（按文件内容识别类型）"


def accepts(*media: Media):
    """Mark a view that takes files larger than MAX_CONTENT_LENGTH (videos): the request
    limit is raised for that view alone, before anything reads the body."""
    def mark(view):
        view.upload_media = media
        return view
    return mark


def _raise_request_limit() -> None:
    media = getattr(current_app.view_functions.get(request.endpoint), "upload_media", None)
    if media:
        request.max_content_length = max(m.limit() for m in media) + _FORM_SLACK


def init_app(app) -> None:
    # First of all before_request hooks: CSRF protection parses the form, and with it the
    # body, under whatever limit is in force then.
    app.before_request_funcs.setdefault(None, []).insert(0, _raise_request_limit)


def _size(stream) -> int | None:
    """The stream's length without reading it, when it can seek (werkzeug spools uploads
    to a temporary file)."""
    try:
        start = stream.tell()
        size = stream.seek(0, os.SEEK_END)
        stream.seek(start)
    except (AttributeError, OSError):
        return None
    return size


def check_upload(upload: FileStorage | None,
                 media: tuple[Media, ...] = (DOCUMENTS,)) -> tuple[Media, str]:
    """The kind of file and its true MIME type, or a ServiceError in Chinese.

    Reads only the first bytes (the type) and the length (the kind's limit); the stream
    is rewound afterwards, so a form validator and the service can both check.
    """
    if upload is None or not upload.filename:
        raise ServiceError("请选择要上传的文件")
    head = upload.stream.read(_SNIFF_BYTES)
    size = _size(upload.stream)
    with contextlib.suppress(AttributeError, OSError):  # a non-seekable stream is read once
        upload.stream.seek(0)
    if not head:
        raise ServiceError("上传的文件为空")
    guessed = filetype.guess(head)
    family = next((m for m in media if guessed is not None and guessed.mime in m.types), None)
    if family is None:
        wanted = "，或 ".join(m.label for m in media)
        raise ServiceError(f"文件类型不受支持：请上传 {wanted}（按文件内容判断）")
    if size is not None and size > family.limit():
        raise ServiceError(f"文件不能超过 {_mb(family.limit())} MB")
    return family, guessed.mime


def _copy(upload: FileStorage, path: Path, limit: int) -> tuple[int, str]:
    """Write the upload to `path` a chunk at a time: its size and SHA-256. A stream that
    turns out longer than `limit` is refused and its partial file removed."""
    digest, size = hashlib.sha256(), 0
    with path.open("xb") as out:
        while chunk := upload.stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise ServiceError(f"文件不能超过 {_mb(limit)} MB")
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _original_name(upload: FileStorage) -> str:
    # Keep only the last path component a browser (or a forger) may have sent.
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:200] or "document"


def store(actor, upload: FileStorage | None, kind: DocumentKind, owner: Organisation,
          media: tuple[Media, ...] = (DOCUMENTS,)) -> Document:
    """Check and save one upload for `owner`; audited; flushed, never committed.

    Raises ServiceError before anything is kept when the file is refused. The caller
    rolls back on any error, and a rollback deletes the bytes written here.
    """
    family, mime = check_upload(upload, media)
    stored_name = f"{secrets.token_hex(16)}.{family.types[mime]}"
    path = _upload_dir() / stored_name
    # Listed before writing, so a failure half-way (disk full) leaves no orphan either.
    db.session.info.setdefault(_PENDING, []).append(str(path))
    size, sha256 = _copy(upload, path, family.limit())
    original = _original_name(upload)
    doc = Document(
        kind=kind, owner_org_id=owner.id, district_code=owner.district_code,
        original_name=original, stored_name=stored_name, content_type=mime,
        size_bytes=size, sha256=sha256, uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(doc)
    db.session.flush()
    audit.record(actor, "document", doc.id, "upload", comment=f"{kind.label}：{original}")
    return doc


@sa.event.listens_for(db.session, "after_commit")
def _keep_committed_files(session) -> None:
    session.info.pop(_PENDING, None)


@sa.event.listens_for(db.session, "after_transaction_end")
def _delete_uncommitted_files(session, transaction) -> None:
    # Runs after after_commit on success, so only files of a rolled-back (or closed
    # without commit) outermost transaction are still listed here.
    if transaction.parent is not None:
        return
    for name in session.info.pop(_PENDING, []):
        Path(name).unlink(missing_ok=True)


def send(doc: Document):
    """The file as a download; callers load `doc` through access.get_or_404_for."""
    path = _upload_dir() / doc.stored_name
    if not path.is_file():
        current_app.logger.error("document %s: file %s is missing", doc.id, doc.stored_name)
        abort(404)
    extension = _EXTENSIONS[doc.content_type]
    stem = Path(doc.original_name).stem or "document"
    # Flask encodes a Chinese name per RFC 5987; the extension follows the real content.
    # Sent from the path, a chunk at a time; `conditional` answers Range requests, which a
    # browser's video player makes to start and to seek.
    response = send_file(path, mimetype=doc.content_type, as_attachment=True,
                         download_name=f"{stem}.{extension}", max_age=0, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Uploads nobody keeps (issue 15 item 6): a draft's replaced licence, an abandoned form's
# file. A document that no record points at, older than the retention period, is deleted,
# file and row; the audit log keeps that it was uploaded and that it was removed.


def _references() -> list[sa.Column]:
    """Every column of the schema that points at document.id (found, not listed: a new
    table pointing at documents protects its files without an edit here)."""
    table = Document.__table__
    return [fk.parent for t in db.metadata.sorted_tables for fk in t.foreign_keys
            if fk.column.table is table and fk.column.name == "id"]


def orphans(older_than: timedelta) -> sa.Select:
    cutoff = utcnow() - older_than
    q = sa.select(Document).where(Document.uploaded_at < cutoff)
    for column in _references():
        q = q.where(~sa.exists().where(column == Document.id))
    return q.order_by(Document.id)


def remove_orphans(older_than: timedelta) -> int:
    """Delete them (files first kept until the rows are gone); returns how many."""
    found = db.session.scalars(orphans(older_than)).all()
    folder = Path(current_app.config["UPLOAD_DIR"])
    names = [doc.stored_name for doc in found]
    for doc in found:
        audit.record(None, "document", doc.id, "remove_unused",
                     comment=f"无记录引用且超过保留期：{doc.original_name}")
        db.session.delete(doc)
    db.session.commit()
    for name in names:
        (folder / name).unlink(missing_ok=True)
    return len(found)
