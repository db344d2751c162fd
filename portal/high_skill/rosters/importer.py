"""The trainee list from the portal's Excel template (HS-W4): preview every row, then all
rows or none. The sheet is read by ``core.spreadsheets`` (xlsx by content, no formulas, a row
limit); each row is checked like the form (C-ID1, C-ID3, HS-E1…E3), against the other rows
and against this project's list, and HS-E3 against every earlier roster in one query.
Confirmation re-reads the stored sheet and checks again before it writes.
"""

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

import openpyxl
import sqlalchemy as sa
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portal import rules
from portal.core import audit, spreadsheets
from portal.core.errors import ServiceError
from portal.core.spreadsheets import UploadStash, cell_text, header_refused, read_first_sheet
from portal.extensions import db
from portal.high_skill.rosters import checks, services
from portal.high_skill.rosters.checks import TraineeData
from portal.models import HsProposal, HsTrainee

MAX_ROWS = 200
_MAX_UNZIPPED = 20 * 1024 * 1024
NAME, ID, PHONE, EMPLOYER, POST = "姓名", "身份证号码", "手机号码", "工作单位", "工作岗位"
LEVEL, CERT, KEY, REASON, MONTHS = ("技能等级", "证书编号", "重点产业人才", "放宽理由",
                                    "连续缴纳社保月数")
COLUMNS = (NAME, ID, PHONE, EMPLOYER, POST, LEVEL, CERT, KEY, REASON, MONTHS)
ERRORS = "错误"  # the error report's last column; ignored when the report comes back
TEXT_COLUMNS = (ID, PHONE, CERT)
YES, NO = "是", "否"
STASH = UploadStash("hs-trainee-imports")
_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


def read_sheet(data: bytes) -> list[tuple[int, tuple]]:
    def check_header(names: list[str]) -> None:
        if tuple(names) not in (COLUMNS, (*COLUMNS, ERRORS)):
            raise header_refused("、".join(f"“{c}”" for c in COLUMNS), names)

    _names, rows = read_first_sheet(data, check_header=check_header, max_rows=MAX_ROWS,
                                    max_unzipped=_MAX_UNZIPPED)
    width = len(COLUMNS)
    return [(number, cells[:width]) for number, cells in rows
            if any(cell_text(value) for value in cells[:width])]


@dataclass
class PreviewRow:
    number: int
    name: str
    masked_id: str
    problems: list[str] = field(default_factory=list)
    data: TraineeData | None = None
    flagged: bool = False

    @property
    def errors(self) -> list[str]:
        return [f"第{self.number}行：{problem}" for problem in self.problems]


def parse(number: int, cells: tuple) -> PreviewRow:
    """One row read into TraineeData, with the problems of its cells' format only."""
    values = dict(zip(COLUMNS, cells, strict=True))
    resident_id = rules.normalise_identifier(cell_text(values[ID]))
    row = PreviewRow(number, cell_text(values[NAME]), rules.mask_resident_id(resident_id))
    if isinstance(values[ID], int | float):
        row.problems.append(f"{ID}须以文本格式填写（数字格式会丢失末位和“X”）")
    key_text = cell_text(values[KEY]) or NO
    if key_text not in (YES, NO):
        row.problems.append(f"{KEY}请填写“{YES}”或“{NO}”（可留空，表示否）")
    months_text = cell_text(values[MONTHS])
    if not (months_text.isascii() and months_text.isdigit()):
        row.problems.append(f"{MONTHS}须为整数")
    level_text = cell_text(values[LEVEL])
    row.data = TraineeData(
        name=row.name, resident_id=resident_id,
        phone=rules.normalise_identifier(cell_text(values[PHONE])),
        employer_name=cell_text(values[EMPLOYER]), post=cell_text(values[POST]),
        level=checks.LEVEL_BY_TEXT.get(level_text, level_text),
        certificate_number=cell_text(values[CERT]), key_industry=key_text == YES,
        key_industry_reason=cell_text(values[REASON]),
        insured_months=int(months_text) if months_text.isascii() and months_text.isdigit()
        else 0)
    return row


@dataclass
class ImportPreview:
    rows: list[PreviewRow]
    sheet_errors: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.problems)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.sheet_errors and not self.error_rows


def check_rows(proposal: HsProposal, cells: list[tuple[int, tuple]],
               day: date | None = None) -> ImportPreview:
    """Every row with its problems, named by row and rule; a constant number of queries."""
    rows = [parse(number, values) for number, values in cells]
    earlier = checks.previous_years([r.data.resident_id for r in rows], proposal.id)
    listed = set(db.session.scalars(
        sa.select(HsTrainee.resident_id).where(HsTrainee.proposal_id == proposal.id)))
    first_row: dict[str, int] = {}
    for row in rows:
        data = row.data
        row.problems += checks.row_problems(data, proposal, earlier.get(data.resident_id, []),
                                            day)
        if data.resident_id in listed:
            row.problems.append(checks.DUPLICATE_IN_LIST)
        elif data.resident_id in first_row:
            row.problems.append(f"{ID}与第{first_row[data.resident_id]}行重复")
        else:
            first_row[data.resident_id] = row.number
        row.flagged = checks.flagged(data.level, data.key_industry)
    result = ImportPreview(rows)
    if not rows:
        result.sheet_errors.append("工作表中没有学员数据")
    elif proposal.quota is not None and len(rows) + len(listed) > proposal.quota:
        result.sheet_errors.append(
            f"名单已有 {len(listed)} 人，再导入 {len(rows)} 人将超过核定研修人数 "
            f"{proposal.quota} 人。" + rules.rule_message("HS-W4"))
    return result


def preview(proposal: HsProposal, data: bytes, *, day: date | None = None) -> ImportPreview:
    return check_rows(proposal, read_sheet(data), day)


def apply(actor, proposal: HsProposal, data: bytes, *, day: date | None = None) -> int:
    """Re-check the stored sheet, then add every row at once, or none."""
    services.require_editable(actor, proposal)
    checked = preview(proposal, data, day=day)
    if not checked.ok:
        problems = checked.sheet_errors + [e for row in checked.rows for e in row.errors]
        raise ServiceError("导入文件未通过校验（数据可能已变化）：" + "；".join(problems[:5])
                           + "。请修改后重新上传并查看预览")
    created = [HsTrainee(proposal_id=proposal.id, **row.data.values()) for row in checked.rows]
    db.session.add_all(created)
    services.flush_unique()
    for trainee in created:
        audit.record(actor, services.TRAINEE_OBJECT, trainee.id, "import",
                     comment=f"Excel 导入项目 {proposal.id} 的学员名单（共{len(created)}人）")
    db.session.flush()
    return len(created)


def template() -> bytes:
    """The empty sheet: Chinese header, identifier columns as TEXT, drop-down lists."""
    return spreadsheets.import_template(
        "研修学员名单", tuple(COLUMNS), (12, 22, 14, 28, 16, 12, 22, 14, 30, 16), TEXT_COLUMNS,
        {KEY: (YES, NO), LEVEL: tuple(rules.LEVEL_LABELS.values())}, [
        f"第 1 行为表头，请勿修改；从第 2 行起每行一名学员，最多 {MAX_ROWS} 行。",
        f"{ID}、{PHONE}、{CERT}三列已设为文本格式，请勿改为数字格式。" + rules.rule_message("C-ID1"),
        f"{PHONE}：学员用于签到和提交总结的手机账号。" + rules.rule_message("C-ID3"),
        f"{LEVEL}：{'、'.join(rules.LEVEL_LABELS.values())}。" + rules.rule_message("HS-E1"),
        f"{KEY}：企业重点培养的高精尖、新兴产业人才填“{YES}”并在“{REASON}”中说明（可留空，表示否）。",
        f"{MONTHS}：开班前连续在京缴纳城镇职工社会保险的月数。" + rules.rule_message("HS-E2"),
        rules.rule_message("HS-E3"),
        "不得含有公式；任一行有误时整个文件均不导入，请按预览提示修改后重新上传。",
        ], MAX_ROWS)


def error_report(proposal: HsProposal, data: bytes, *, day: date | None = None) -> bytes:
    """The uploaded rows in the template at their own row numbers, errors in "错误"."""
    cells = read_sheet(data)
    checked = check_rows(proposal, cells, day)
    book = openpyxl.load_workbook(BytesIO(template()))
    sheet = book.worksheets[0]
    errors_at = len(COLUMNS) + 1
    sheet.cell(row=1, column=errors_at, value=ERRORS).font = Font(bold=True)
    sheet.column_dimensions[get_column_letter(errors_at)].width = 80
    for (number, values), row in zip(cells, checked.rows, strict=True):
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=index, value=value)
            spreadsheets.defuse(cell)
        if row.problems:
            cell = sheet.cell(row=number, column=errors_at, value="\n".join(row.problems))
            spreadsheets.defuse(cell)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            for index in range(1, errors_at + 1):
                sheet.cell(row=number, column=index).fill = _ERROR_FILL
    out = BytesIO()
    book.save(out)
    return out.getvalue()
