"""Excel files of the occupation catalogue and its dated lists (AP-P5): the import templates,
the exports, and an upload read and checked row by row into a preview.

An upload is refused as a whole (``spreadsheets``) when it is not an xlsx by content, has a
formula anywhere (nothing is ever evaluated), a header that is not the template's or more
than MAX_ROWS rows. Otherwise every row is checked (code format, duplicates in the sheet,
name, levels, and the catalogue as it is now); ``catalogue_admin.apply_import`` writes a
faultless preview, all or nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

import openpyxl
import sqlalchemy as sa
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal import rules
from portal.catalogue.lookups import (
    CODE_HINT,
    LEVEL_HINT,
    NAME_MAX,
    check_version_date,
    diff_ids,
    level_problems,
    levels_text,
    memberships,
    name_problems,
    occupations_by_code,
    occupations_by_ids,
    ordered_levels,
    parse_levels,
    today,
)
from portal.core.errors import ServiceError
from portal.core.spreadsheets import cell_text, header_refused, read_first_sheet
from portal.extensions import db
from portal.models import CatalogueItem, CatalogueKind, CatalogueVersion, Occupation

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000
_MAX_UNZIPPED = 100 * 1024 * 1024  # a few MB of upload must not inflate without bound
CODE_COL, NAME_COL, LEVELS_COL = "职业（工种）编码", "职业（工种）名称", "等级"
OCCUPATION_COLUMNS = (CODE_COL, NAME_COL, LEVELS_COL)
LIST_COLUMNS = (CODE_COL, NAME_COL)
SHORT_LABELS = {
    CatalogueKind.URGENT: "急需紧缺",
    CatalogueKind.ASSESSMENT_SCOPE: "纳入本市考核评价",
    CatalogueKind.PROHIBITED: "禁止和限制",
}
DEMO_COL = "演示数据"
# Read-only columns of an export; an import accepts and ignores them (round trip).
_EXPORT_COLUMNS = tuple(f"{SHORT_LABELS[k]}目录" for k in CatalogueKind) + (DEMO_COL,)
IMPORT_TARGETS = {"occupations": "职业（工种）目录", **{k.value: k.label for k in CatalogueKind}}


# ---------------------------------------------------------------------------- reading a sheet


def read_sheet(data: bytes, *, occupations: bool) -> list[tuple[int, dict[str, str]]]:
    """The first worksheet's non-empty data rows as (row number, {column: text}).

    Refused as a whole (spreadsheets.read_first_sheet): not an xlsx by content, a formula
    anywhere (nothing is evaluated), a header that is not the template's, more than MAX_ROWS
    rows.
    """
    required = OCCUPATION_COLUMNS if occupations else (CODE_COL,)
    allowed = set(OCCUPATION_COLUMNS + _EXPORT_COLUMNS) - set(required)

    def check_header(names: list[str]) -> None:
        extra = names[len(required):]
        if (tuple(names[:len(required)]) != required or len(set(extra)) != len(extra)
                or not set(extra) <= allowed):
            optional = "、".join(f"“{n}”" for n in OCCUPATION_COLUMNS if n not in required)
            raise header_refused("".join(f"“{n}”" for n in required)
                                 + (f"（其后可有{optional}等列）" if optional else ""), names)

    names, rows = read_first_sheet(data, check_header=check_header, max_rows=MAX_ROWS,
                                   max_unzipped=_MAX_UNZIPPED)
    return [(number, {name: cell_text(value) for name, value in zip(names, values, strict=True)})
            for number, values in rows]


# ---------------------------------------------------------------------------- writing a sheet


def _save(book) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _notes_sheet(book, lines) -> None:
    sheet = book.create_sheet("填写说明")
    sheet.column_dimensions["A"].width = 90
    for line in lines:
        sheet.append([line])


def sheet_template(target: str) -> bytes:
    """An empty import sheet: Chinese header, the code column formatted as text."""
    occupations = target == "occupations"
    columns = OCCUPATION_COLUMNS if occupations else LIST_COLUMNS
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "职业目录" if occupations else "目录名单"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABC", (18, 36, 36), strict=False):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["A"].number_format = "@"
    _notes_sheet(book, [
        f"第 1 行为表头，请勿修改；从第 2 行起每行一个职业（工种），最多 {MAX_ROWS} 行。",
        f"{CODE_COL}：{CODE_HINT}；该列已设为文本格式。",
        *([f"{NAME_COL}：必填，不超过 {NAME_MAX} 个字。",
           f"{LEVELS_COL}：{LEVEL_HINT}，多个等级用顿号“、”或逗号分隔。",
           "编码已在目录中的行将更新名称和等级，其余行将新增。"] if occupations else [
           "名单中的编码须已在职业目录中；名称列仅供核对，不导入。",
           "导入后生成一个新版本，自所填生效日期起施行，替代之前的版本。"]),
        "不得含有公式；任一行有误时整个文件均不导入，请按提示修改后重新上传。",
    ])
    return _save(book)


def _text_row(sheet, values) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type, cell.number_format = "s", "@"  # never a formula, never a number
        cells.append(cell)
    return cells


def export_occupations(day: date, batch: int = 500) -> bytes:
    """AP-P5: the whole catalogue with list memberships in force on `day`, read in batches."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("职业目录")
    for letter, width in zip("ABCDEFG", (18, 36, 36, 12, 16, 12, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_text_row(sheet, OCCUPATION_COLUMNS + _EXPORT_COLUMNS))
    columns = (Occupation.id, Occupation.code, Occupation.name, Occupation.levels,
               Occupation.is_demo)
    last = ""
    while rows := db.session.execute(
        sa.select(*columns).where(Occupation.code > last).order_by(Occupation.code).limit(batch)
    ).all():
        flags = memberships([row.id for row in rows], day)
        for row in rows:
            levels = ordered_levels(row.levels.split(","))
            sheet.append(_text_row(sheet, (
                row.code, row.name, levels_text(levels),
                *("是" if kind in flags[row.id] else "" for kind in CatalogueKind),
                "是" if row.is_demo else "")))
        last = rows[-1].code
    notes = book.create_sheet("说明")
    notes.append([f"各目录列为 {day} 施行的目录版本（AP-P5）。本文件可直接作为职业目录导入文件。"])
    return _save(book)


def export_version(version: CatalogueVersion) -> bytes:
    """One list version in the list-import format (code, name)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("目录名单")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 18, 36
    sheet.append(_text_row(sheet, LIST_COLUMNS + (DEMO_COL,)))
    rows = db.session.execute(
        sa.select(Occupation.code, Occupation.name, Occupation.is_demo)
        .join(CatalogueItem, CatalogueItem.occupation_id == Occupation.id)
        .where(CatalogueItem.version_id == version.id).order_by(Occupation.code))
    for code, name, is_demo in rows:
        sheet.append(_text_row(sheet, (code, name, "是" if is_demo else "")))
    return _save(book)


# ---------------------------------------------------------------------------- import preview


@dataclass
class PreviewRow:
    number: int
    code: str
    name: str = ""
    levels: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    action: str = ""  # create | update | unchanged | include
    occupation: Occupation | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    target: str
    rows: list[PreviewRow]
    effective_from: date | None = None
    added: list[Occupation] = field(default_factory=list)
    removed: list[Occupation] = field(default_factory=list)
    replaces: bool = False

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


class ImportRefused(ServiceError):
    """At least one row is wrong: nothing was imported; `preview` says which and why."""

    def __init__(self, preview: ImportPreview):
        super().__init__(f"有 {preview.error_rows} 行数据有误，整个文件均未导入，请修改后重新上传")
        self.preview = preview


def _base_rows(cells: list[tuple[int, dict]]) -> list[PreviewRow]:
    """Code format and duplicates within the sheet, common to both kinds of import."""
    rows, first_seen = [], {}
    for number, values in cells:
        code = rules.normalise_occupation_code(values[OCCUPATION_COLUMNS[0]])
        row = PreviewRow(number=number, code=code)
        if not row.code:
            row.errors.append("职业（工种）编码不能为空")
        elif not rules.is_valid_occupation_code(row.code):
            row.errors.append(f"编码“{row.code}”格式不正确：{CODE_HINT}")
        elif row.code in first_seen:
            row.errors.append(f"编码 {row.code} 与第 {first_seen[row.code]} 行重复")
        else:
            first_seen[row.code] = number
        rows.append(row)
    return rows


def _preview_occupations(cells) -> ImportPreview:
    rows = _base_rows(cells)
    existing = occupations_by_code(r.code for r in rows)
    for row, (_number, values) in zip(rows, cells, strict=True):
        row.name = values[OCCUPATION_COLUMNS[1]]
        row.levels, unknown = parse_levels(values[OCCUPATION_COLUMNS[2]])
        row.errors += name_problems(row.name)
        if unknown:
            row.errors.append(f"等级“{'、'.join(unknown)}”无法识别（{LEVEL_HINT}）")
        elif not row.levels:
            row.errors += level_problems(row.levels)
        row.occupation = existing.get(row.code)
        if row.occupation is None:
            row.action = "create"
            continue
        old_levels = ordered_levels(row.occupation.level_list)
        if row.name != row.occupation.name:
            row.changes.append(f"名称：{row.occupation.name} → {row.name}")
        if row.levels != old_levels:
            row.changes.append(f"等级：{levels_text(old_levels)} → {levels_text(row.levels)}")
        row.action = "update" if row.changes else "unchanged"
    return ImportPreview("occupations", rows)


def _preview_list(kind: CatalogueKind, cells, effective_from: date, day: date) -> ImportPreview:
    existing_version = check_version_date(kind, effective_from, day)
    rows = _base_rows(cells)
    existing = occupations_by_code(r.code for r in rows)
    for row in rows:
        row.occupation, row.action = existing.get(row.code), "include"
        if row.occupation is not None:
            row.name = row.occupation.name
        elif not row.errors:
            row.errors.append(f"编码 {row.code} 不在职业目录中，请先在职业目录中添加")
    preview = ImportPreview(kind.value, rows, effective_from, replaces=existing_version is not None)
    ids = {r.occupation.id for r in rows if r.occupation is not None}
    added, removed = diff_ids(kind, effective_from, ids)
    preview.added = [r.occupation for r in rows if r.occupation and r.occupation.id in added]
    preview.removed = occupations_by_ids(removed)
    return preview


def preview_import(target: str, data: bytes, effective_from: date | None = None, *,
                   day: date | None = None) -> ImportPreview:
    """Every row of the sheet with its errors; ServiceError for a file refused as a whole."""
    if target not in IMPORT_TARGETS:
        raise ServiceError("未知的导入类型")
    cells = read_sheet(data, occupations=target == "occupations")
    if not cells:
        raise ServiceError("文件中没有数据：请从第 2 行起每行填写一个职业（工种）")
    if target == "occupations":
        return _preview_occupations(cells)
    if effective_from is None:
        raise ServiceError("请填写生效日期")
    return _preview_list(CatalogueKind(target), cells, effective_from, day or today())


def import_summary(preview: ImportPreview) -> str:
    if preview.target == "occupations":
        return (f"导入完成：新增 {preview.count('create')} 个、更新 {preview.count('update')} 个、"
                f"无变化 {preview.count('unchanged')} 个职业（工种）")
    return (f"导入完成：{IMPORT_TARGETS[preview.target]} {preview.effective_from} 起施行，"
            f"共 {len(preview.rows)} 个职业（工种），较上一版本新增 {len(preview.added)} 个、"
            f"移出 {len(preview.removed)} 个")
