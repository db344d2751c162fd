"""The error report of a bulk 学徒报名 upload: the sheet as uploaded, ready to fix.

It is the import template itself (same header, text-formatted identifier columns, drop-down
lists, notes sheet) holding the uploaded rows at their own row numbers, so "与第2行重复"
still points at the right row, with a last column "错误" naming each row's problems and
their rules (C-ID1, C-ID3, AP-E1..E6, AP-E5). The importer accepts that column and ignores
it, so the fixed report is uploaded again as it is.
"""

from datetime import date, datetime, time
from io import BytesIO

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portal.apprenticeship.enrolment import importer
from portal.core import spreadsheets
from portal.models import Programme

_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
_WRAP = Alignment(wrap_text=True, vertical="top")


def error_report(programme: Programme, data: bytes, *, day: date | None = None) -> bytes:
    """The uploaded sheet `data` in the template, each row's errors in the column "错误"."""
    cells = importer.read_sheet(data)
    checked = importer.check_rows(programme, cells, day)
    book = openpyxl.load_workbook(BytesIO(importer.template()))
    sheet = book.worksheets[0]
    errors_at = len(importer.COLUMNS) + 1
    header = sheet.cell(row=1, column=errors_at, value=importer.ERRORS)
    header.font = Font(bold=True)
    sheet.column_dimensions[get_column_letter(errors_at)].width = 80
    for (number, values), row in zip(cells, checked.rows, strict=True):
        for index, (column, value) in enumerate(zip(importer.COLUMNS, values, strict=True), 1):
            cell = sheet.cell(row=number, column=index)
            _put(cell, value)
            if column in importer.TEXT_COLUMNS:
                cell.number_format = "@"
        if row.problems:
            _put(sheet.cell(row=number, column=errors_at), "\n".join(row.problems))
            for index in range(1, errors_at + 1):
                sheet.cell(row=number, column=index).fill = _ERROR_FILL
            sheet.cell(row=number, column=errors_at).alignment = _WRAP
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _put(cell, value) -> None:
    """Write `value` back as it was uploaded; text never becomes a formula."""
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()  # a date cell comes back as midnight; keep it a plain date
    cell.value = value
    if isinstance(value, date) and not isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd"
    # Neither opening nor editing the cell evaluates it; it uploads again as typed.
    spreadsheets.defuse(cell)
