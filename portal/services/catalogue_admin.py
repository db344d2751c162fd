"""The municipal centre maintains the occupation catalogue, its dated lists (AP-P5) and the
policy parameters (AP-$1, AP-E6 …): one function per state change; each audits and flushes.

What was in force yesterday is history: a list version or a parameter value whose effective
date has come is never changed again, and nothing new is back-dated before today. Only
versions and values that are still in the future may be replaced.
"""

import re
import secrets
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import sqlalchemy as sa
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from sqlalchemy.exc import IntegrityError

from portal import rules
from portal.extensions import db
from portal.models import CatalogueItem, CatalogueKind, CatalogueVersion, Occupation, Role, User
from portal.models import ParameterValue as ParameterRow
from portal.services import audit
from portal.services.catalogues import memberships
from portal.services.errors import NotAllowed, ServiceError, StateConflict
from portal.services.parameters import parameters_on

BEIJING = ZoneInfo("Asia/Shanghai")

# 国家职业分类大典: 大类-中类-小类-细类 (X-XX-XX-XX), optionally a 工种 suffix -XX.
_CODE = re.compile(r"\d-\d{2}-\d{2}-\d{2}(?:-\d{2})?")
CODE_HINT = "编码格式应为 X-XX-XX-XX（工种可再加 -XX），如 6-18-01-01"
NAME_MAX = 80
_LEVEL_BY_TEXT = {**{label: code for code, label in rules.LEVEL_LABELS.items()},
                  **{code: code for code in rules.LEVELS}}
_LEVEL_SPLIT = re.compile(r"[、,，;；/\s]+")
LEVEL_HINT = "可填：" + "、".join(rules.LEVEL_LABELS.values())
_IN_CHUNK = 500  # codes per IN (...) query: well inside SQLite's bound-parameter limit


def today() -> date:
    """The calendar day in Beijing, whatever the server's time zone."""
    return datetime.now(BEIJING).date()


def normalise_code(value: str) -> str:
    """Full-width digits and dashes (typed with a Chinese IME) → ASCII, trimmed."""
    return rules.normalise_identifier(value.replace("－", "-").replace("—", "-"))


def is_valid_occupation_code(value: str) -> bool:
    return bool(_CODE.fullmatch(value or ""))


def parse_levels(text: str) -> tuple[list[str], list[str]]:
    """Level codes in LEVELS order from Chinese names or codes; and the tokens not understood."""
    found, unknown = set(), []
    for token in filter(None, _LEVEL_SPLIT.split(text or "")):
        level = _LEVEL_BY_TEXT.get(token) or _LEVEL_BY_TEXT.get(token.removesuffix("工"))
        if level:
            found.add(level)
        else:
            unknown.append(token)
    return [lv for lv in rules.LEVELS if lv in found], unknown


def levels_text(levels) -> str:
    return "、".join(rules.LEVEL_LABELS[lv] for lv in levels)


def _require_center(actor) -> None:
    if getattr(actor, "role", None) != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以维护目录和政策参数")


def _flush(conflict: str) -> None:
    try:
        db.session.flush()
    except IntegrityError as err:  # another centre user saved the same key a moment ago
        raise StateConflict(conflict) from err


def _name_problems(name: str) -> list[str]:
    if not name:
        return ["职业（工种）名称不能为空"]
    if len(name) > NAME_MAX:
        return [f"职业（工种）名称不能超过 {NAME_MAX} 个字"]
    if name.startswith("="):
        return ["职业（工种）名称不能以“=”开头"]
    return []


def _level_problems(levels: list[str]) -> list[str]:
    if not levels:
        return [f"至少填写一个等级（{LEVEL_HINT}）"]
    return [] if set(levels) <= set(rules.LEVELS) else [f"等级无法识别（{LEVEL_HINT}）"]


def _ordered(levels) -> list[str]:
    """Stored in LEVELS order, so that equal sets compare (and export) equal."""
    return [lv for lv in rules.LEVELS if lv in set(levels)]


# ---------------------------------------------------------------------------- occupations


def create_occupation(actor, code: str, name: str, levels: list[str], *,
                      comment: str = "") -> Occupation:
    _require_center(actor)
    code, name = normalise_code(code), (name or "").strip()
    problems = ([] if is_valid_occupation_code(code) else [CODE_HINT])
    problems += _name_problems(name) + _level_problems(levels)
    if problems:
        raise ServiceError("；".join(problems))
    if db.session.scalar(sa.select(Occupation.id).where(Occupation.code == code)):
        raise ServiceError(f"编码 {code} 已在职业目录中")
    levels = _ordered(levels)
    occupation = Occupation(code=code, name=name, levels=",".join(levels), is_demo=False)
    db.session.add(occupation)
    _flush(f"编码 {code} 刚被他人添加，请刷新后查看")
    audit.record(actor, "occupation", occupation.id, "create",
                 comment=f"{code} {name}（{levels_text(levels)}）{comment}")
    return occupation


def update_occupation(actor, occupation: Occupation, name: str, levels: list[str], *,
                      comment: str = "") -> bool:
    """Name and levels; the code is the occupation's identity (imports match on it)."""
    _require_center(actor)
    name = (name or "").strip()
    problems = _name_problems(name) + _level_problems(levels)
    if problems:
        raise ServiceError("；".join(problems))
    levels, changes = _ordered(levels), []
    if name != occupation.name:
        changes.append(f"名称：{occupation.name} → {name}")
    old_levels = _ordered(occupation.level_list)
    if levels != old_levels:
        changes.append(f"等级：{levels_text(old_levels)} → {levels_text(levels)}")
    if not changes:
        return False
    occupation.name, occupation.levels = name, ",".join(levels)
    db.session.flush()
    audit.record(actor, "occupation", occupation.id, "edit",
                 comment=f"{occupation.code}：" + "；".join(changes) + comment)
    return True


# ---------------------------------------------------------------------------- list versions


def _check_version_date(kind: CatalogueKind, effective_from: date,
                        day: date) -> CatalogueVersion | None:
    """AP-P5: the future version of that date to replace, None for a new one; else refuse."""
    if effective_from < day:
        raise ServiceError("生效日期不能早于今天：已经施行的目录不能追溯修改（AP-P5）")
    existing = db.session.scalar(sa.select(CatalogueVersion).where(
        CatalogueVersion.kind == kind, CatalogueVersion.effective_from == effective_from))
    if existing is not None and existing.effective_from <= day:
        raise ServiceError(f"{effective_from} 起施行的版本已经生效，不能再修改；"
                           "请另定一个以后的生效日期（AP-P5）")
    return existing


def previous_version(kind: CatalogueKind, before: date) -> CatalogueVersion | None:
    return db.session.scalar(
        sa.select(CatalogueVersion)
        .where(CatalogueVersion.kind == kind, CatalogueVersion.effective_from < before)
        .order_by(CatalogueVersion.effective_from.desc()).limit(1))


def member_ids(version: CatalogueVersion | None) -> set[int]:
    if version is None:
        return set()
    return set(db.session.scalars(
        sa.select(CatalogueItem.occupation_id).where(CatalogueItem.version_id == version.id)))


def diff_ids(kind: CatalogueKind, effective_from: date, ids: set[int]) -> tuple[set, set]:
    """AP-P5: occupations added to and removed from the list vs the version before."""
    before = member_ids(previous_version(kind, effective_from))
    return ids - before, before - ids


def create_list_version(actor, kind: CatalogueKind, effective_from: date, occupation_ids,
                        note: str = "", *, day: date | None = None,
                        source: str = "") -> CatalogueVersion:
    """AP-P5: the whole list as in force from `effective_from`; a future one is replaced."""
    _require_center(actor)
    day = day or today()
    ids = set(occupation_ids)
    existing = _check_version_date(kind, effective_from, day)
    known = set()
    for chunk in _chunks(sorted(ids)):
        known.update(db.session.scalars(sa.select(Occupation.id).where(Occupation.id.in_(chunk))))
    if ids - known:
        raise ServiceError("所选职业（工种）有的已不在职业目录中，请刷新后重试")
    note = (note or "").strip()[:200]
    if existing is None:
        version = CatalogueVersion(kind=kind, effective_from=effective_from, note=note,
                                   created_by_id=actor.id)
        db.session.add(version)
        _flush(f"{effective_from} 起施行的版本刚被他人保存，请刷新后查看")
        action = "create"
    else:
        version, action = existing, "replace"
        version.note, version.created_by_id = note, actor.id
        db.session.execute(sa.delete(CatalogueItem).where(CatalogueItem.version_id == version.id))
    if ids:
        db.session.execute(sa.insert(CatalogueItem),
                           [{"version_id": version.id, "occupation_id": i} for i in sorted(ids)])
    db.session.flush()
    added, removed = diff_ids(kind, effective_from, ids)
    audit.record(actor, "catalogue_version", version.id, action, comment=(
        f"{kind.label}：{effective_from} 起施行，共 {len(ids)} 个职业（工种），"
        f"较上一版本新增 {len(added)} 个、移出 {len(removed)} 个{source}"
        + (f"；说明：{note}" if note else "")))
    return version


# ---------------------------------------------------------------------------- Excel files

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
_NOT_XLSX = "文件不是 Excel 工作簿（.xlsx）：按文件内容判断。旧版 .xls、CSV 请先用 Excel 或 WPS 另存为 .xlsx"
_UNREADABLE = "无法读取该 Excel 文件，文件可能已损坏：请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_formula(value) -> bool:
    return isinstance(value, ArrayFormula | DataTableFormula) or (
        isinstance(value, str) and value.startswith("="))


def _check_xlsx(data: bytes) -> None:
    if not data:
        raise ServiceError("上传的文件为空")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as err:
        raise ServiceError(_NOT_XLSX) from err
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise ServiceError(_NOT_XLSX)
    if sum(entry.file_size for entry in entries) > _MAX_UNZIPPED:
        raise ServiceError("文件解压后过大，请删除多余的工作表、图片后再上传")


def read_sheet(data: bytes, *, occupations: bool) -> list[tuple[int, dict[str, str]]]:
    """The first worksheet's non-empty data rows as (row number, {column: text}).

    Refused as a whole: not an xlsx by content, a formula anywhere (nothing is evaluated),
    a header that is not the template's, more than MAX_ROWS rows.
    """
    _check_xlsx(data)
    required = OCCUPATION_COLUMNS if occupations else (CODE_COL,)
    allowed = set(OCCUPATION_COLUMNS + _EXPORT_COLUMNS) - set(required)
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles it does not know
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
            try:
                return _read_rows(book.worksheets[0].iter_rows(values_only=True),
                                  required, allowed)
            finally:
                book.close()
    except ServiceError:
        raise
    except Exception as err:  # any parser failure on a hostile or broken file
        raise ServiceError(_UNREADABLE) from err


def _read_rows(rows, required: tuple[str, ...], allowed: set[str]):
    formulas: list[str] = []

    def scan(number: int, values) -> None:
        formulas.extend(f"{get_column_letter(i + 1)}{number}"
                        for i, value in enumerate(values) if _is_formula(value))
        if formulas and (number == 1 or len(formulas) > 10):
            _refuse_formulas(formulas)

    header = next(rows, None) or ()
    scan(1, header)
    names = [_cell_text(value) for value in header]
    while names and not names[-1]:
        names.pop()
    extra = names[len(required):]
    if (tuple(names[:len(required)]) != required or len(set(extra)) != len(extra)
            or not set(extra) <= allowed):
        optional = "、".join(f"“{n}”" for n in OCCUPATION_COLUMNS if n not in required)
        raise ServiceError(
            "表头不正确：第 1 行应依次为" + "".join(f"“{n}”" for n in required)
            + (f"（其后可有{optional}等列）" if optional else "")
            + f"，实际为“{'、'.join(names) or '空'}”。请下载导入模板填写")
    found = []
    for number, values in enumerate(rows, start=2):
        scan(number, values)
        texts = [_cell_text(v) for v in values[:len(names)]]
        if not any(texts):
            continue
        if len(found) == MAX_ROWS:
            raise ServiceError(f"工作表超过 {MAX_ROWS} 行数据，请拆分为多个文件分批导入")
        texts += [""] * (len(names) - len(texts))
        found.append((number, dict(zip(names, texts, strict=True))))
    if formulas:
        _refuse_formulas(formulas)
    return found


def _refuse_formulas(cells: list[str]):
    shown = "、".join(cells[:10]) + (" 等" if len(cells) > 10 else "")
    raise ServiceError(f"文件含公式（{shown} 单元格），平台不计算也不导入公式：请复制这些单元格"
                       "后“选择性粘贴为数值”，再重新上传")


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
            levels = _ordered(row.levels.split(","))
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


# ---------------------------------------------------------------------------- Excel import


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


def _chunks(values: list, size: int = _IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _occupations_by_code(codes) -> dict[str, Occupation]:
    found: dict[str, Occupation] = {}
    for chunk in _chunks(sorted(set(codes))):
        found.update((o.code, o) for o in db.session.scalars(
            sa.select(Occupation).where(Occupation.code.in_(chunk))))
    return found


def _base_rows(cells: list[tuple[int, dict]]) -> list[PreviewRow]:
    """Code format and duplicates within the sheet, common to both kinds of import."""
    rows, first_seen = [], {}
    for number, values in cells:
        row = PreviewRow(number=number, code=normalise_code(values[OCCUPATION_COLUMNS[0]]))
        if not row.code:
            row.errors.append("职业（工种）编码不能为空")
        elif not is_valid_occupation_code(row.code):
            row.errors.append(f"编码“{row.code}”格式不正确：{CODE_HINT}")
        elif row.code in first_seen:
            row.errors.append(f"编码 {row.code} 与第 {first_seen[row.code]} 行重复")
        else:
            first_seen[row.code] = number
        rows.append(row)
    return rows


def _preview_occupations(cells) -> ImportPreview:
    rows = _base_rows(cells)
    existing = _occupations_by_code(r.code for r in rows)
    for row, (_number, values) in zip(rows, cells, strict=True):
        row.name = values[OCCUPATION_COLUMNS[1]]
        row.levels, unknown = parse_levels(values[OCCUPATION_COLUMNS[2]])
        row.errors += _name_problems(row.name)
        if unknown:
            row.errors.append(f"等级“{'、'.join(unknown)}”无法识别（{LEVEL_HINT}）")
        elif not row.levels:
            row.errors += _level_problems(row.levels)
        row.occupation = existing.get(row.code)
        if row.occupation is None:
            row.action = "create"
            continue
        old_levels = _ordered(row.occupation.level_list)
        if row.name != row.occupation.name:
            row.changes.append(f"名称：{row.occupation.name} → {row.name}")
        if row.levels != old_levels:
            row.changes.append(f"等级：{levels_text(old_levels)} → {levels_text(row.levels)}")
        row.action = "update" if row.changes else "unchanged"
    return ImportPreview("occupations", rows)


def _preview_list(kind: CatalogueKind, cells, effective_from: date, day: date) -> ImportPreview:
    existing_version = _check_version_date(kind, effective_from, day)
    rows = _base_rows(cells)
    existing = _occupations_by_code(r.code for r in rows)
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


def occupations_by_ids(ids) -> list[Occupation]:
    found: list[Occupation] = []
    for chunk in _chunks(sorted(ids)):
        found += db.session.scalars(sa.select(Occupation).where(Occupation.id.in_(chunk)))
    return sorted(found, key=lambda o: o.code)


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


def apply_import(actor, target: str, data: bytes, effective_from: date | None = None,
                 note: str = "", *, day: date | None = None) -> ImportPreview:
    """All or nothing: re-read and re-check the whole sheet against today's data, then apply."""
    _require_center(actor)
    preview = preview_import(target, data, effective_from, day=day)
    if not preview.ok:
        raise ImportRefused(preview)
    if target != "occupations":
        ids = [row.occupation.id for row in preview.rows]
        create_list_version(actor, CatalogueKind(target), effective_from, ids, note, day=day,
                            source="（Excel 导入）")
        return preview
    for row in preview.rows:
        if row.action == "create":
            create_occupation(actor, row.code, row.name, row.levels, comment="（Excel 导入）")
        elif row.action == "update":
            update_occupation(actor, row.occupation, row.name, row.levels,
                              comment="（Excel 导入）")
    return preview


# ---------------------------------------------------------------------------- parameters

SPECS = {spec.key: spec for spec in rules.PARAMETERS}
# Plausible bounds by unit: a typo (an extra zero) is refused, not put into force.
_RANGES = {"%": (0, 100), "": (0, 1), "人": (1, 100_000)}
_DEFAULT_RANGE = (0, 1_000_000)
_CLASS_SIZE = {"hs_class_min", "hs_class_max"}


def value_range(key: str) -> tuple[int, int]:
    return _RANGES.get(SPECS[key].unit, _DEFAULT_RANGE)


def add_parameter_value(actor, key: str, value: int, effective_from: date, note: str, *,
                        day: date | None = None) -> ParameterRow:
    """AP-$1, AP-$2, AP-E6, AP-P4, HS-P2, HS-$1: a new figure from `effective_from` on."""
    _require_center(actor)
    day = day or today()
    spec = SPECS.get(key)
    if spec is None:
        raise ServiceError("未知的政策参数")
    note = (note or "").strip()
    if not note:
        raise ServiceError("请填写调整理由（如政策文件文号）")
    low, high = value_range(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ServiceError(f"{spec.label}应为 {low} 至 {high} 之间的整数")
    if effective_from < day:
        raise ServiceError("生效日期不能早于今天：已经施行的参数不能追溯修改")
    row = db.session.scalar(sa.select(ParameterRow).where(
        ParameterRow.key == key, ParameterRow.effective_from == effective_from))
    if row is not None and row.effective_from <= day:
        raise ServiceError(f"{effective_from} 起施行的数值已经生效，不能再修改")
    action = "replace" if row is not None else "create"
    before = parameters_on(effective_from)[key]
    if row is None:
        row = ParameterRow(key=key, effective_from=effective_from)
        db.session.add(row)
    row.value, row.note, row.created_by_id = value, note[:200], actor.id
    _flush(f"{effective_from} 起施行的数值刚被他人保存，请刷新后查看")
    in_force = parameters_on(effective_from)
    if key in _CLASS_SIZE and in_force["hs_class_min"] > in_force["hs_class_max"]:
        raise ServiceError("研修每班最少人数不能大于最多人数（HS-P2）")
    audit.record(actor, "parameter_value", row.id, action, from_state=str(before),
                 to_state=str(value), comment=(
                     f"{spec.rule_id} {spec.label}：{before} → {value}{spec.unit}，"
                     f"{effective_from} 起施行；理由：{note}"))
    return row


def import_summary(preview: ImportPreview) -> str:
    if preview.target == "occupations":
        return (f"导入完成：新增 {preview.count('create')} 个、更新 {preview.count('update')} 个、"
                f"无变化 {preview.count('unchanged')} 个职业（工种）")
    return (f"导入完成：{IMPORT_TARGETS[preview.target]} {preview.effective_from} 起施行，"
            f"共 {len(preview.rows)} 个职业（工种），较上一版本新增 {len(preview.added)} 个、"
            f"移出 {len(preview.removed)} 个")


# ---------------------------------------------------------------------------- uploads awaiting
# confirmation: kept on the server under a random name, never round-tripped through the client.

_TOKEN = re.compile(r"[0-9a-f]{32}")
_STASH_HOURS = 24


def read_upload(upload, limit: int) -> bytes:
    data = upload.stream.read(limit + 1) if upload is not None else b""
    if not data:
        raise ServiceError("上传的文件为空")
    if len(data) > limit:
        raise ServiceError(f"文件不能超过 {limit // (1024 * 1024)} MB")
    return data


def _stash_dir(upload_dir: str) -> Path:
    path = Path(upload_dir) / "catalogue-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash_upload(data: bytes, upload_dir: str) -> str:
    folder = _stash_dir(upload_dir)
    cutoff = datetime.now().timestamp() - _STASH_HOURS * 3600
    for old in folder.glob("*.xlsx"):  # previews nobody confirmed
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.xlsx").write_bytes(data)
    return token


def load_stash(token: str | None, upload_dir: str) -> bytes | None:
    if not token or not _TOKEN.fullmatch(token):
        return None
    path = _stash_dir(upload_dir) / f"{token}.xlsx"
    return path.read_bytes() if path.is_file() else None


def drop_stash(token: str | None, upload_dir: str) -> None:
    if token and _TOKEN.fullmatch(token):
        (_stash_dir(upload_dir) / f"{token}.xlsx").unlink(missing_ok=True)


# ---------------------------------------------------------------------------- reading for pages


def occupation_search(q: str, kind: CatalogueKind | None, day: date) -> sa.Select:
    stmt = sa.select(Occupation).order_by(Occupation.code)
    if q:
        stmt = stmt.where(sa.or_(Occupation.code.startswith(normalise_code(q), autoescape=True),
                                 Occupation.name.contains(q, autoescape=True)))
    if kind is not None:
        in_force = (sa.select(CatalogueVersion.id)
                    .where(CatalogueVersion.kind == kind, CatalogueVersion.effective_from <= day)
                    .order_by(CatalogueVersion.effective_from.desc()).limit(1).scalar_subquery())
        stmt = stmt.where(Occupation.id.in_(
            sa.select(CatalogueItem.occupation_id).where(CatalogueItem.version_id == in_force)))
    return stmt


@dataclass
class VersionInfo:
    version: CatalogueVersion
    size: int
    creator: str | None
    state: str = "superseded"  # future | in_force | superseded


def versions(kind: CatalogueKind | None, day: date) -> list[VersionInfo]:
    """AP-P5: every version with its size and state on `day`, newest first, in one query."""
    stmt = (sa.select(CatalogueVersion, sa.func.count(CatalogueItem.occupation_id),
                      User.display_name)
            .outerjoin(CatalogueItem, CatalogueItem.version_id == CatalogueVersion.id)
            .outerjoin(User, User.id == CatalogueVersion.created_by_id)
            .group_by(CatalogueVersion.id, User.display_name)
            .order_by(CatalogueVersion.kind, CatalogueVersion.effective_from.desc()))
    if kind is not None:
        stmt = stmt.where(CatalogueVersion.kind == kind)
    found, seen = [], set()
    for version, size, creator in db.session.execute(stmt):
        info = VersionInfo(version, size, creator)
        if version.effective_from > day:
            info.state = "future"
        elif version.kind not in seen:
            info.state = "in_force"
            seen.add(version.kind)
        found.append(info)
    return found


def list_summary(day: date) -> dict[CatalogueKind, dict[str, VersionInfo | None]]:
    """Per list: the version in force on `day` and the next one to come."""
    summary = {kind: {"in_force": None, "next": None} for kind in CatalogueKind}
    for info in versions(None, day):
        if info.state == "in_force":
            summary[info.version.kind]["in_force"] = info
        elif info.state == "future":  # newest first: the last one seen is the nearest
            summary[info.version.kind]["next"] = info
    return summary


def members_select(version: CatalogueVersion) -> sa.Select:
    return (sa.select(Occupation)
            .join(CatalogueItem, CatalogueItem.occupation_id == Occupation.id)
            .where(CatalogueItem.version_id == version.id).order_by(Occupation.code))


def version_diff(version: CatalogueVersion) -> dict:
    """AP-P5: what this version added to and removed from the one before it."""
    previous = previous_version(version.kind, version.effective_from)
    current, before = member_ids(version), member_ids(previous)
    return {"previous": previous, "added": occupations_by_ids(current - before),
            "removed": occupations_by_ids(before - current)}


def base_version(kind: CatalogueKind, from_id: int | None, day: date) -> CatalogueVersion | None:
    """The version a new one starts from: the one asked for, else the newest (even future)."""
    if from_id is not None:
        version = db.session.get(CatalogueVersion, from_id)
        return version if version is not None and version.kind == kind else None
    return db.session.scalar(sa.select(CatalogueVersion).where(CatalogueVersion.kind == kind)
                             .order_by(CatalogueVersion.effective_from.desc()).limit(1))


def version_form_data(base: CatalogueVersion | None, day: date) -> dict:
    data = {"occupation_ids": sorted(member_ids(base))}
    if base is not None and base.effective_from > day:  # a future version: edit in place
        data.update(effective_from=base.effective_from, note=base.note)
    return data


@dataclass
class ParameterOverview:
    spec: rules.ParameterSpec
    value: int
    current: ParameterRow | None
    history: list[tuple[ParameterRow, str | None, str]]


def parameter_overview(day: date) -> list[ParameterOverview]:
    """Every parameter: the value in force on `day` and its dated history (two queries)."""
    in_force = parameters_on(day)
    history: dict[str, list] = {spec.key: [] for spec in rules.PARAMETERS}
    rows = db.session.execute(
        sa.select(ParameterRow, User.display_name)
        .outerjoin(User, User.id == ParameterRow.created_by_id)
        .order_by(ParameterRow.key, ParameterRow.effective_from.desc()))
    for row, creator in rows:
        if row.key in history:
            history[row.key].append(row_info := [row, creator, "superseded"])
            if row.effective_from > day:
                row_info[2] = "future"
            elif all(entry[2] != "in_force" for entry in history[row.key]):
                row_info[2] = "in_force"
    return [ParameterOverview(
        spec, in_force[spec.key],
        next((row for row, _c, state in history[spec.key] if state == "in_force"), None),
        [tuple(entry) for entry in history[spec.key]]) for spec in rules.PARAMETERS]
