"""Backups (issue 15): the database and every uploaded file, in one directory with a manifest.

SQLite is copied with its online backup API (consistent while the portal runs); PostgreSQL
with `pg_dump --format=custom` and restored with `pg_restore --clean`. The manifest holds
each file's SHA-256, so a restore refuses a backup that was altered or is incomplete.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"


class BackupError(RuntimeError):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def _pg_url(url: sa.engine.URL) -> str:
    """libpq's form of the SQLAlchemy URL (no driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: sa.engine.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("内存数据库无法备份")
    return Path(url.database)


def backup(engine: sa.Engine, upload_dir: str, target: str) -> dict:
    """Write the backup into the new directory `target`; returns the manifest."""
    out = Path(target)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份目录 {out} 已存在且不为空")
    out.mkdir(parents=True, exist_ok=True)
    url = engine.url
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(out / SQLITE_FILE)
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
    elif url.get_backend_name() == "postgresql":
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file",
                        str(out / PG_FILE), _pg_url(url)], check=True)
    else:
        raise BackupError(f"不支持的数据库：{url.get_backend_name()}")
    uploads = Path(upload_dir)
    if uploads.is_dir():
        shutil.copytree(uploads, out / UPLOADS)
    with engine.connect() as conn:
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    manifest = {"created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": url.get_backend_name(), "revision": revision,
                "files": _files(out)}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def verify(source: str) -> dict:
    """The manifest of an intact backup, or BackupError naming the first damaged file."""
    root = Path(source)
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError) as err:
        raise BackupError(f"{root} 不是完整的备份（缺少或无法读取 {MANIFEST}）") from err
    found = _files(root)
    for name, digest in manifest["files"].items():
        if found.get(name) != digest:
            raise BackupError(f"备份文件 {name} 缺失或已被修改")
    extra = sorted(set(found) - set(manifest["files"]))
    if extra:
        raise BackupError(f"备份中有清单外的文件：{extra[0]}")
    return manifest


def restore(engine: sa.Engine, upload_dir: str, source: str) -> dict:
    """Replace the database and the uploads with the backup's; verified first."""
    manifest = verify(source)
    root, url = Path(source), engine.url
    if manifest["database"] != url.get_backend_name():
        raise BackupError(f"该备份来自 {manifest['database']}，不能恢复到 {url.get_backend_name()}")
    engine.dispose()
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(root / SQLITE_FILE)
        target = sqlite3.connect(_sqlite_path(url))
        with target:
            backup_db.backup(target)
        backup_db.close()
        target.close()
    else:
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                        "--single-transaction", "--dbname", _pg_url(url),
                        str(root / PG_FILE)], check=True)
    uploads = Path(upload_dir)
    if uploads.exists():
        shutil.rmtree(uploads)
    if (root / UPLOADS).is_dir():
        shutil.copytree(root / UPLOADS, uploads)
    else:
        os.makedirs(uploads, exist_ok=True)
    return manifest
