"""Uploads: checked by content, stored outside static/, served only through access checks.

Bytes are written to UPLOAD_DIR when the Document row is flushed, so they are on disk by
the time the view commits. If that transaction is rolled back instead (a later rule
refusal, a unique-key race, an exception), the files it wrote are deleted again: a refused
request leaves no row and no orphan file.
"""

import contextlib
import hashlib
import secrets
from pathlib import Path, PurePosixPath

import filetype
import sqlalchemy as sa
from flask import abort, current_app, send_file
from werkzeug.datastructures import FileStorage

from portal.core import audit
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import Document, DocumentKind, Organisation

# Accepted by what the bytes are, not by the name the browser sent.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
ALLOWED_LABEL = "PDF、JPG 或 PNG"
# For the file picker only (a convenience); the server decides by content.
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

_PENDING = "portal.pending_upload_paths"


def _upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _limit_mb() -> int:
    return current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)


def upload_hint() -> str:
    """The help text under a file field, with the configured limit."""
    return f"{ALLOWED_LABEL} 文件，不超过 {_limit_mb()} MB（按文件内容识别类型）"


def check_upload(upload: FileStorage | None) -> tuple[bytes, str]:
    """The file's bytes and true MIME type, or a ServiceError in Chinese.

    The stream is rewound afterwards, so a form validator and the service can both check.
    """
    if upload is None or not upload.filename:
        raise ServiceError("请选择要上传的文件")
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    with contextlib.suppress(AttributeError, OSError):  # a non-seekable stream is read once
        upload.stream.seek(0)
    if not data:
        raise ServiceError("上传的文件为空")
    if len(data) > limit:
        raise ServiceError(f"文件不能超过 {_limit_mb()} MB")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ServiceError(f"文件类型不受支持：请上传 {ALLOWED_LABEL} 文件（按文件内容判断）")
    return data, kind.mime


def _original_name(upload: FileStorage) -> str:
    # Keep only the last path component a browser (or a forger) may have sent.
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:200] or "document"


def store(actor, upload: FileStorage | None, kind: DocumentKind, owner: Organisation) -> Document:
    """Check and save one upload for `owner`; audited; flushed, never committed.

    Raises ServiceError before anything is written when the file is refused. The caller
    rolls back on any error, and a rollback deletes the bytes written here.
    """
    data, mime = check_upload(upload)
    stored_name = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
    path = _upload_dir() / stored_name
    path.write_bytes(data)
    db.session.info.setdefault(_PENDING, []).append(str(path))
    original = _original_name(upload)
    doc = Document(
        kind=kind, owner_org_id=owner.id, district_code=owner.district_code,
        original_name=original, stored_name=stored_name, content_type=mime,
        size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=getattr(actor, "id", None),
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
    extension = ALLOWED_TYPES[doc.content_type]
    stem = Path(doc.original_name).stem or "document"
    # Flask encodes a Chinese name per RFC 5987; the extension follows the real content.
    response = send_file(path, mimetype=doc.content_type, as_attachment=True,
                         download_name=f"{stem}.{extension}", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
