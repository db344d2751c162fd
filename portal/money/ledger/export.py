"""AP-$6 exports: the ledger as xlsx (IDs as text, Chinese headers, whole yuan) with the same
totals as the page, and the 公示 list of approved claims (the form districts publish)."""

from io import BytesIO

import openpyxl
import sqlalchemy as sa
from openpyxl.styles import Font

from portal import rules
from portal.core import spreadsheets
from portal.extensions import db
from portal.models import Claim, ClaimState, Occupation, Organisation, Programme
from portal.money.ledger import FUND_LABELS, EntryKind, LedgerFilters, ledger_query, ledger_totals

MAX_ROWS = 100_000  # one sheet; a city-wide year stays far below
TEXT = "@"
LEDGER_HEADER = ("日期", "类别", "单号", "企业", "培训职业（工种）", "等级", "学徒姓名",
                 "身份证号", "金额（元）", "资金来源")
PUBLICITY_HEADER = ("序号", "企业名称", "培训职业（工种）", "培训等级", "申请类别", "补贴人数（人）",
                    "补贴金额（元）")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title: str, header) -> tuple:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return book, sheet


def _text(sheet, row: int, column: int) -> None:
    sheet.cell(row=row, column=column).number_format = TEXT


def _bytes(book) -> bytes:
    for sheet in book.worksheets:
        spreadsheets.defuse_sheet(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def ledger_xlsx(user, filters: LedgerFilters, progress=None) -> bytes:
    """Every entry of the filtered ledger, then one total row per kind (from the same SQL
    aggregate as the page). C-PII: ID numbers masked, written as text cells.

    `progress(done, total, message)` (core.jobs) is told as rows are written; the rows are
    read first, so no cursor is open while it writes (SQLite)."""
    book, sheet = _book("补贴台账", LEDGER_HEADER)
    rows = db.session.execute(ledger_query(user, filters).limit(MAX_ROWS)).all()
    for n, r in enumerate(rows, start=1):
        if progress is not None and n % 200 == 0:
            progress(n, len(rows), "正在写入台账")
        sheet.append([r.day, EntryKind(r.kind).label, str(r.ref), r.enterprise_name,
                      r.occupation_name, rules.LEVEL_LABELS.get(r.level, r.level),
                      r.apprentice_name or "",
                      rules.mask_resident_id(r.resident_id) if r.resident_id else "",
                      int(r.amount), FUND_LABELS.get(r.source or "", "")])
        row = sheet.max_row
        sheet.cell(row=row, column=1).number_format = "yyyy-mm-dd"
        for column in (3, 8):
            _text(sheet, row, column)
    if progress is not None:
        progress(len(rows), len(rows), "正在保存文件")
    sheet.append([])
    for kind, total in ledger_totals(user, filters).items():
        sheet.append(["合计", EntryKind(kind).label, f"{total['count']} 笔", None, None, None,
                      None, None, total["amount"], None])
    for column, width in zip("ABCDEFGHIJ", (12, 10, 16, 28, 20, 8, 10, 22, 12, 28), strict=True):
        sheet.column_dimensions[column].width = width
    return _bytes(book)


def publicity_query(user_claims: sa.Select, year: int | None) -> sa.Select:
    """Approved and paid claims (公示), with enterprise, occupation and level."""
    c = user_claims.where(Claim.state.in_((ClaimState.APPROVED, ClaimState.PAID))).subquery()
    q = (sa.select(c.c.id, c.c.kind, c.c.headcount, c.c.payable, Organisation.name,
                   Occupation.name.label("occupation"), Programme.level)
         .join(Organisation, Organisation.id == c.c.enterprise_id)
         .join(Programme, Programme.id == c.c.programme_id)
         .join(Occupation, Occupation.id == Programme.occupation_id))
    if year:
        q = q.where(sa.extract("year", c.c.decided_at) == year)
    return q.order_by(Organisation.name, c.c.id)


def publicity_xlsx(user_claims: sa.Select, year: int | None) -> bytes:
    from portal.models import ClaimKind

    book, sheet = _book("补贴公示", PUBLICITY_HEADER)
    for n, r in enumerate(db.session.execute(publicity_query(user_claims, year)), start=1):
        sheet.append([n, r.name, r.occupation, rules.LEVEL_LABELS.get(r.level, r.level),
                      ClaimKind(r.kind).label, int(r.headcount), int(r.payable)])
    for column, width in zip("ABCDEFG", (6, 30, 20, 10, 14, 14, 16), strict=True):
        sheet.column_dimensions[column].width = width
    return _bytes(book)
