"""Uploads: checked by content, stored outside static/, served only through access checks."""

import hashlib
import secrets
from pathlib import Path

import filetype
from flask import current_app, send_file
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.models import Document, DocumentKind, Organisation
from portal.services import audit
from portal.services.errors import ServiceError

# Accepted by what the bytes are, not by the name the browser sent.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
ALLOWED_LABEL = "PDF、JPG 或 PNG"


def _upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_upload(upload: FileStorage | None) -> tuple[bytes, str]:
    """The file's bytes and true MIME type, or a ServiceError in Chinese."""
    if upload is None or not upload.filename:
        raise ServiceError("请选择要上传的文件")
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if not data:
        raise ServiceError("上传的文件为空")
    if len(data) > limit:
        raise ServiceError(f"文件不能超过 {limit // (1024 * 1024)} MB")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ServiceError(f"文件类型不受支持：请上传 {ALLOWED_LABEL} 文件（按文件内容判断）")
    return data, kind.mime


def store(actor, upload: FileStorage | None, kind: DocumentKind, owner: Organisation) -> Document:
    data, mime = check_upload(upload)
    stored_name = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
    (_upload_dir() / stored_name).write_bytes(data)
    original = (upload.filename or "")[:200]
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


def send(doc: Document):
    """The file as a download; callers load `doc` through access.get_or_404_for."""
    extension = ALLOWED_TYPES[doc.content_type]
    stem = Path(doc.original_name).stem or "document"
    # Flask encodes a Chinese name per RFC 5987; the extension follows the real content.
    response = send_file(_upload_dir() / doc.stored_name, mimetype=doc.content_type,
                         as_attachment=True, download_name=f"{stem}.{extension}", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
