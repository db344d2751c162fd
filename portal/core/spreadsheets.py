"""Reading an uploaded Excel sheet without trusting it; shared by the spreadsheet imports
(the occupation catalogue, bulk enrolment).

An upload is refused as a whole when it is not an xlsx by content (a zip holding
xl/workbook.xml that does not inflate without bound), cannot be parsed, has a formula in any
cell (nothing is ever evaluated), a header the importer does not accept, or more than
`max_rows` data rows (counting stops there: a sheet of endless blank rows is not read to its
end). Each importer keeps its own columns, limits and header message, and checks the rows.
"""

import re
import secrets
import warnings
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from io import BytesIO
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from portal.core.errors import ServiceError

NOT_XLSX = "文件不是 Excel 工作簿（.xlsx）：按文件内容判断。旧版 .xls、CSV 请先用 Excel 或 WPS 另存为 .xlsx"
UNREADABLE = "无法读取该 Excel 文件，文件可能已损坏：请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"
FORMULAS_SHOWN = 10  # formula cells named in the refusal; reading stops after one more
SCAN_FACTOR = 10  # blank (e.g. formatted but empty) rows read per allowed data row, at most

Row = tuple[int, tuple]  # (row number in the sheet, the values under the header's columns)


# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"), tab and CR too.
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and (value.startswith(FORMULA_LEAD)
                                       or value.lstrip().startswith(FORMULA_LEAD))


def defuse(cell) -> None:
    """A text cell that a spreadsheet would run as a formula (a name or voucher number typed
    as "=HYPERLINK(…)") is kept as text with Excel's own quote prefix; its value unchanged."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def defuse_sheet(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            defuse(cell)


def cell_text(value) -> str:
    """A cell as the text a person typed: no surrounding spaces, 12.0 shown as 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_xlsx(data: bytes, max_unzipped: int) -> None:
    """By content: an xlsx is a zip holding xl/workbook.xml (and is not a zip bomb)."""
    if not data:
        raise ServiceError("上传的文件为空")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as err:
        raise ServiceError(NOT_XLSX) from err
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise ServiceError(NOT_XLSX)
    if sum(entry.file_size for entry in entries) > max_unzipped:
        raise ServiceError("文件解压后过大，请删除多余的工作表、图片后再上传")


def header_refused(expected: str, names: list[str]) -> ServiceError:
    """The refusal of a header; `expected` says what the importer's first row must hold."""
    return ServiceError(f"表头不正确：第 1 行应依次为{expected}，"
                        f"实际为“{'、'.join(names) or '空'}”。请下载导入模板填写")


def read_first_sheet(data: bytes, *, check_header: Callable[[list[str]], None], max_rows: int,
                     max_unzipped: int) -> tuple[list[str], list[Row]]:
    """The first worksheet's header names and its non-empty data rows.

    `check_header(names)` raises (see `header_refused`) for a header the importer does not
    accept; the header's width is the width of every returned row, padded with None.
    """
    check_xlsx(data, max_unzipped)
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles it does not know
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
            try:
                sheet = book.worksheets[0]
                # The declared size may be wrong (or hostile): read rows as they come.
                sheet.reset_dimensions()
                return _read_rows(sheet.iter_rows(values_only=True), check_header, max_rows)
            finally:
                book.close()
    except ServiceError:
        raise
    except Exception as err:  # any parser failure on a broken or hostile file
        raise ServiceError(UNREADABLE) from err


def _read_rows(rows: Iterator[tuple], check_header, max_rows: int) -> tuple[list[str], list[Row]]:
    too_many = ServiceError(f"工作表超过 {max_rows} 行数据，请拆分为多个文件分批导入")
    formulas: list[str] = []

    def scan(number: int, values) -> None:
        formulas.extend(f"{get_column_letter(i + 1)}{number}"
                        for i, value in enumerate(values) if _is_formula(value))
        if formulas and (number == 1 or len(formulas) > FORMULAS_SHOWN):
            raise _formulas_refused(formulas)

    header = next(rows, None) or ()
    scan(1, header)
    names = [cell_text(value) for value in header]
    while names and not names[-1]:
        names.pop()
    check_header(names)
    width = len(names)
    found: list[Row] = []
    for number, values in enumerate(rows, start=2):
        if number > SCAN_FACTOR * max_rows:
            raise too_many
        scan(number, values)
        cells = tuple(values[:width]) + (None,) * (width - len(values))
        if not any(cell_text(value) for value in cells):
            continue
        if len(found) == max_rows:
            raise too_many
        found.append((number, cells))
    if formulas:
        raise _formulas_refused(formulas)
    return names, found


def _is_formula(value) -> bool:
    # Leading spaces too: the text would be stripped to a formula on its way in.
    return isinstance(value, ArrayFormula | DataTableFormula) or (
        isinstance(value, str) and value.lstrip().startswith("="))


def _formulas_refused(cells: list[str]) -> ServiceError:
    shown = "、".join(cells[:FORMULAS_SHOWN]) + (" 等" if len(cells) > FORMULAS_SHOWN else "")
    return ServiceError(f"文件含公式（{shown} 单元格），平台不计算也不导入公式：请复制这些单元格"
                        "后“选择性粘贴为数值”，再重新上传")


# --- uploads awaiting confirmation ---------------------------------------------------------
# A preview's file waits on the server under a random name; the session holds only that
# name, so the client can neither swap the rows nor point at another file.

_TOKEN = re.compile(r"[0-9a-f]{32}")
_STASH_HOURS = 24


def read_upload(upload, limit: int, empty_message: str = "请选择要上传的 Excel 文件") -> bytes:
    data = upload.stream.read(limit + 1) if upload is not None and upload.filename else b""
    if not data:
        raise ServiceError(empty_message)
    if len(data) > limit:
        raise ServiceError(f"文件不能超过 {limit // (1024 * 1024)} MB")
    return data


class UploadStash:
    def __init__(self, folder: str):
        self.folder = folder

    def _dir(self, upload_dir: str) -> Path:
        path = Path(upload_dir) / self.folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def put(self, data: bytes, upload_dir: str) -> str:
        folder = self._dir(upload_dir)
        cutoff = datetime.now().timestamp() - _STASH_HOURS * 3600
        for old in folder.glob("*.xlsx"):  # previews nobody confirmed
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        token = secrets.token_hex(16)
        (folder / f"{token}.xlsx").write_bytes(data)
        return token

    def get(self, token: str | None, upload_dir: str) -> bytes | None:
        if not isinstance(token, str) or not _TOKEN.fullmatch(token):
            return None
        path = self._dir(upload_dir) / f"{token}.xlsx"
        return path.read_bytes() if path.is_file() else None

    def drop(self, token: str | None, upload_dir: str) -> None:
        if isinstance(token, str) and _TOKEN.fullmatch(token):
            (self._dir(upload_dir) / f"{token}.xlsx").unlink(missing_ok=True)


def import_template(title: str, columns: tuple[str, ...], widths: tuple[int, ...],
                    text_columns, choices: dict[str, tuple[str, ...]], notes: list[str],
                    max_rows: int) -> bytes:
    """An empty import sheet: bold frozen header, identifier columns as TEXT (so Excel keeps
    leading digits, all 18 characters and the "X"), drop-down lists, and a notes sheet."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        if column in text_columns:
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(2, max_rows + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    for column, options in choices.items():
        letter = get_column_letter(columns.index(column) + 1)
        check = DataValidation(type="list", formula1='"' + ",".join(options) + '"',
                               allow_blank=True)
        check.add(f"{letter}2:{letter}{max_rows + 1}")
        sheet.add_data_validation(check)
    sheet_notes = book.create_sheet("填写说明")
    sheet_notes.column_dimensions["A"].width = 100
    for line in notes:
        sheet_notes.append([line])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
