"""The filtered entries as xlsx (C-AUD, C-PII): the same query as the page, newest first,
capped (said on the sheet and on the page); ID numbers and mobiles masked, in comments
too. Read in keyset chunks and written row by row (openpyxl write-only), so memory stays
flat: in the request up to EXPORT_CAP rows, as a background job up to JOB_CAP."""

from collections.abc import Callable
from io import BytesIO

import openpyxl
import sqlalchemy as sa
from openpyxl.cell import WriteOnlyCell

from portal import rules
from portal.core import spreadsheets
from portal.extensions import db
from portal.models import AuditLog, User
from portal.models.user import ROLE_LABELS
from portal.reports.audit_log import people, query
from portal.reports.audit_log.labels import action_label, object_label

EXPORT_CAP = 5_000  # a request; openpyxl writes ~1,000 rows a second here under load
JOB_CAP = 200_000
CHUNK = 2_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("编号", "时间（UTC）", "操作人", "角色", "操作", "对象类型", "对象编号",
          "原状态", "新状态", "人员", "身份证号", "说明")
COLUMNS = (AuditLog.id, AuditLog.at, AuditLog.actor_role, AuditLog.object_type,
           AuditLog.object_id, AuditLog.action, AuditLog.from_state, AuditLog.to_state,
           AuditLog.comment)
CAPPED = "仅导出最新 {cap} 条记录；请缩小筛选条件（日期、操作、对象）后分批导出。"


def _cell(sheet, value):
    """Plain values are fastest; only text a spreadsheet would run as a formula gets a cell
    of its own, kept as text (spreadsheets.defuse)."""
    if not spreadsheets.looks_like_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    spreadsheets.defuse(cell)
    return cell


def _row(e, person) -> tuple:
    # Rows, not ORM objects (no identity map to grow); the state words are the model's.
    return (e.id, e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor_name or "系统",
            ROLE_LABELS.get(e.actor_role, "系统"), action_label(e.action),
            object_label(e.object_type), str(e.object_id),
            AuditLog.state_label(e, e.from_state), AuditLog.state_label(e, e.to_state),
            person.name if person else "",
            rules.mask_resident_id(person.resident_id) if person else "",
            rules.mask_pii_text(e.comment or ""))


def count(user, filters: query.Filters, cap: int) -> int:
    """How many entries an export will hold (for a job's progress bar only)."""
    ids = query.filtered(user, filters).with_only_columns(AuditLog.id).limit(cap + 1)
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0


def entries_xlsx(user, filters: query.Filters, *, cap: int | None = None,
                 progress: Callable[..., None] | None = None) -> tuple[bytes, int]:
    """The workbook and the number of entries in it."""
    cap = EXPORT_CAP if cap is None else cap
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("操作日志")
    sheet.append(list(HEADER))
    plain = query.filtered(user, filters)
    base = plain.outerjoin(User, User.id == AuditLog.actor_id).with_only_columns(
        *COLUMNS, User.display_name.label("actor_name"))
    total = count(user, filters, cap) if progress else cap
    written, last, exhausted = 0, filters.before, False
    while written < cap:
        size = min(CHUNK, cap - written)
        q = base.where(AuditLog.id < last) if last else base
        chunk = db.session.execute(q.limit(size)).all()
        persons = people.persons_of(chunk)
        for e in chunk:
            person = persons.get((e.object_type, e.object_id))
            sheet.append([_cell(sheet, v) for v in _row(e, person)])
        written += len(chunk)
        if progress:
            progress(written, min(total, cap), f"已导出 {written} 条")
        if len(chunk) < size:
            exhausted = True
            break
        last = chunk[-1].id
    capped = not exhausted and db.session.scalar(
        plain.with_only_columns(AuditLog.id).where(AuditLog.id < last).limit(1)) is not None
    if capped:
        sheet.append([])
        sheet.append([CAPPED.format(cap=cap)])
    out = BytesIO()
    book.save(out)
    return out.getvalue(), written
