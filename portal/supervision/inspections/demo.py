"""Demo (AP-V1): 朝阳区 draws a sample of its programmes in training and records an
inspection in every result state, one on site with a photo (idempotent: a district that
already has a sample is left alone)."""

import io
import struct
import zlib
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from portal.clock import today
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import InspectionSample, Programme, ReviewState
from portal.supervision.inspections import samples, services

SEED = 20261201
DISTRICT_USER = "chaoyang"
# (kind, result, days ago, method, findings)
VISITS = (
    ("video", "clear", 6, "调阅课堂视频并抽问两名学徒", ""),
    ("onsite", "problems", 3, "现场查看实训场地、核对签到记录",
     "当日签到 18 人，现场实到 15 人；实训记录未由导师签字。请于 15 日内整改。"),
    ("onsite", "serious", 1, "现场检查、查阅学徒名册",
     "部分学徒长期未参加培训仍持续签到，涉嫌代签，建议约谈企业负责人。"),
)


def _png(width: int = 8, height: int = 8) -> bytes:
    """A tiny grey PNG, enough to show a thumbnail."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + b"\x90" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _photo() -> FileStorage:
    return FileStorage(io.BytesIO(_png()), filename="现场照片.png", content_type="image/png")


def seed(story) -> None:
    staff = story.user(DISTRICT_USER)
    if staff is None or db.session.scalar(sa.select(InspectionSample.id).where(
            InspectionSample.district_code == staff.district_code).limit(1)):
        return
    try:
        sample = samples.draw(staff, seed=SEED, size=len(VISITS))
    except ServiceError:
        sample = None  # no programme in training today: inspect approved ones directly
    picked = samples.item_ids(sample.id) if sample else []
    if not picked:
        picked = list(db.session.scalars(
            sa.select(Programme.id).where(Programme.district_code == staff.district_code,
                                          Programme.state == ReviewState.APPROVED)
            .order_by(Programme.id).limit(len(VISITS))))
    for n, (kind, result, days_ago, method, findings) in enumerate(VISITS):
        if not picked:
            break
        programme = db.session.get(Programme, picked[n % len(picked)])
        services.record_inspection(
            staff, programme, kind=kind, result=result,
            inspected_on=today() - timedelta(days=days_ago), method=method, findings=findings,
            photos=[_photo()] if result == "problems" else (),
            sample=sample if sample and programme.id in picked else None)
    db.session.flush()
