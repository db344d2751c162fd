"""Bulk 学徒报名 from the portal's Excel template: preview every row, then all or nothing.

The sheet is refused as a whole (``spreadsheets``) when it is not an xlsx by content, has the
wrong columns, a formula (any cell starting with "="; nothing is ever evaluated), more than
MAX_ROWS data rows (counting stops there: a 10,000-row sheet is not read to its end) or too
many rows for the seats left. Each row is checked with the same rules as the form (C-ID1,
C-ID3, AP-E1..E6), against the other rows (a person twice) and against the database (AP-E5,
a person already on this programme's list) in one query for the whole sheet.

Confirmation re-reads the stored file and re-checks everything; the rows are then written
in one transaction: all enrolments submitted and all their seats taken in one guarded
UPDATE, or nothing.

A sheet with errors comes back as an error report (``error_report``): the template with the
uploaded rows and a last column naming each row's errors and rules, which the reader accepts
as it is, so the enterprise fixes the rows in it and uploads it again.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal import rules
from portal.apprenticeship.enrolment import checks
from portal.apprenticeship.enrolment import services as svc
from portal.apprenticeship.programmes.suspension import refuse_enrolment_if_suspended
from portal.clock import today
from portal.core import audit, spreadsheets
from portal.core.errors import ServiceError
from portal.core.spreadsheets import UploadStash, cell_text, header_refused, read_first_sheet
from portal.extensions import db
from portal.models import Apprentice, Enrolment, EnrolmentState, Programme
from portal.models.base import utcnow
from portal.rules.messages import WAGE_BASIS

MAX_ROWS = 1000
_MAX_UNZIPPED = 60 * 1024 * 1024
_IN_CHUNK = 500  # values per IN (...): inside SQLite's bound-parameter limit

NAME, ID, MOBILE = "姓名", "身份证号码", "手机号码"
START, END = "劳动合同起始日期", "劳动合同终止日期"
INSURED, HIRE, DISPATCHED, WAGE = "在本市缴纳社会保险", "招用类型", "劳务派遣", "月工资（元）"
COLUMNS = (NAME, ID, MOBILE, START, END, INSURED, HIRE, DISPATCHED, WAGE)
ERRORS = "错误"  # the error report's last column; ignored when the report comes back
TEXT_COLUMNS = (ID, MOBILE)
OPEN_ENDED = "无固定期限"
YES, NO = "是", "否"
_HIRE_BY_TEXT = {**{label: code for code, label in rules.HIRE_TYPES.items()},
                 **{code: code for code in rules.HIRE_TYPES}}
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


# ------------------------------------------------------------------------------ reading


def read_sheet(data: bytes) -> list[tuple[int, tuple]]:
    """The first worksheet's non-empty data rows as (row number, raw values in COLUMNS order)."""

    def check_header(names: list[str]) -> None:
        if tuple(names) not in (COLUMNS, (*COLUMNS, ERRORS)):
            raise header_refused("、".join(f"“{c}”" for c in COLUMNS), names)

    _names, rows = read_first_sheet(data, check_header=check_header, max_rows=MAX_ROWS,
                                    max_unzipped=_MAX_UNZIPPED)
    width = len(COLUMNS)
    # A fixed report row emptied of data but still holding its old error text is no row.
    return [(number, cells[:width]) for number, cells in rows
            if any(cell_text(value) for value in cells[:width])]


# ------------------------------------------------------------------------------ one row


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_TEXT.fullmatch(cell_text(value))
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _yes_no(value) -> bool | None:
    text = cell_text(value)
    return {YES: True, NO: False}.get(text)


@dataclass
class PreviewRow:
    number: int
    name: str
    masked_id: str
    masked_mobile: str
    problems: list[str] = field(default_factory=list)  # without the row number
    reg: checks.Registration | None = None

    @property
    def errors(self) -> list[str]:
        """The problems as the preview lists them: each names its row."""
        return [f"第{self.number}行：{problem}" for problem in self.problems]


def _parse(number: int, cells: tuple) -> PreviewRow:
    values = dict(zip(COLUMNS, cells, strict=True))
    name = cell_text(values[NAME])
    resident_id = rules.normalise_identifier(cell_text(values[ID]))
    mobile = rules.normalise_identifier(cell_text(values[MOBILE]))
    row = PreviewRow(number, name, rules.mask_resident_id(resident_id), rules.mask_mobile(mobile))
    refuse = row.problems.append
    if problem := checks.name_problem(name):
        refuse(problem)
    id_as_number = isinstance(values[ID], int | float)
    if id_as_number:
        refuse(f"{ID}须以文本格式填写（数字格式会丢失末位和“X”）；" + rules.rule_message("C-ID1"))
    start, end_text = _date(values[START]), cell_text(values[END])
    if start is None:
        refuse(f"{START}无法识别，请填写如 2025-03-01 的日期")
    end = None if end_text == OPEN_ENDED else _date(values[END])
    if end is None and end_text != OPEN_ENDED:
        refuse(f"{END}无法识别：请填写日期，无固定期限合同填“{OPEN_ENDED}”")
    insured, dispatched = _yes_no(values[INSURED]), _yes_no(values[DISPATCHED] or NO)
    if insured is None:
        refuse(f"{INSURED}请填写“{YES}”或“{NO}”")
    if dispatched is None:
        refuse(f"{DISPATCHED}请填写“{YES}”或“{NO}”（可留空，表示否）")
    hire_type = _HIRE_BY_TEXT.get(cell_text(values[HIRE]), cell_text(values[HIRE]))
    wage_text = cell_text(values[WAGE]).replace(",", "")
    wage = int(wage_text) if wage_text.isascii() and wage_text.isdigit() else None
    if wage is None or wage > checks.WAGE_MAX:
        refuse(f"{WAGE}：{checks.WAGE_RANGE_MESSAGE}")
    if not row.problems:
        # Complete: the rules (C-ID1, C-ID3, AP-E1..E6) are checked in bulk by preview().
        row.reg = checks.Registration(name, resident_id, mobile, start, end, insured,
                                      hire_type, dispatched, wage)
    else:
        # Incomplete: still name the identifier rules, so one round of fixes is enough.
        if not id_as_number and not rules.is_valid_resident_id(resident_id):
            refuse(rules.rule_message("C-ID1"))
        if not rules.is_valid_mobile(mobile):
            refuse(rules.rule_message("C-ID3"))
    return row


# ------------------------------------------------------------------------------ preview


@dataclass
class ImportPreview:
    rows: list[PreviewRow]
    sheet_errors: list[str] = field(default_factory=list)
    seats_left: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.sheet_errors and not self.error_rows

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.problems)


def _chunks(values: list, size: int = _IN_CHUNK):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _known_people(ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(ids):
        found.update((resident_id, person_id) for resident_id, person_id in db.session.execute(
            sa.select(Apprentice.resident_id, Apprentice.id).where(Apprentice.resident_id.in_(chunk))
        ))
    return found


def _taken(programme_id: int, person_ids: list[int]) -> tuple[set[int], set[int]]:
    """(people held elsewhere — AP-E5, people already on this programme's list)."""
    held, listed = set(), set()
    for chunk in _chunks(person_ids):
        rows = db.session.execute(
            sa.select(Enrolment.apprentice_id, Enrolment.programme_id, Enrolment.state)
            .where(Enrolment.apprentice_id.in_(chunk), Enrolment.state.in_(svc.LIVE_STATES))
        )
        for person_id, programme, status in rows:
            if status in svc.HOLDING_STATES:
                held.add(person_id)
            if programme == programme_id:
                listed.add(person_id)
    return held, listed


def preview(programme: Programme, data: bytes, *, day: date | None = None) -> ImportPreview:
    """Every row with its errors, named by row and rule; a constant number of queries."""
    return check_rows(programme, read_sheet(data), day)


def check_rows(programme: Programme, cells: list[tuple[int, tuple]],
               day: date | None = None) -> ImportPreview:
    """`preview` of rows already read (by `read_sheet`)."""
    rows = [_parse(number, values) for number, values in cells]
    params = checks.params_for(programme, day)
    first_row: dict[str, int] = {}
    for row in rows:
        if row.reg is None:
            continue
        for rule_id in checks.registration_problems(programme.level, row.reg, params,
                                                    day or today()):
            row.problems.append(rules.rule_message(rule_id, params=params))
        resident_id = row.reg.resident_id
        if resident_id in first_row:
            row.problems.append(f"{ID}与第{first_row[resident_id]}行重复")
        else:
            first_row[resident_id] = row.number
    people = _known_people(list(first_row))
    held, listed = _taken(programme.id, list(people.values()))
    for row in rows:
        person = people.get(row.reg.resident_id) if row.reg else None
        if person in held:
            row.problems.append(svc.AP_E5_MESSAGE)
        elif person in listed:
            row.problems.append(svc.DUPLICATE_IN_PROGRAMME)
    result = ImportPreview(rows, seats_left=programme.planned_count - programme.enrolled_count)
    if not rows:
        result.sheet_errors.append("工作表中没有学徒数据")
    elif len(rows) > result.seats_left:
        result.sheet_errors.append(svc.quota_message(programme, len(rows)))
    return result


# ------------------------------------------------------------------------------ apply


def apply(actor, programme: Programme, data: bytes, *, day: date | None = None) -> int:
    """Re-check the stored sheet, then submit every row at once: all seats or none."""
    svc.require_register(actor, programme)
    refuse_enrolment_if_suspended(programme)  # AP-V2: a suspended programme enrols no one
    checked = preview(programme, data, day=day)
    if not checked.ok:
        problems = checked.sheet_errors + [e for row in checked.rows for e in row.errors]
        raise ServiceError("导入文件未通过校验（数据可能已变化）：" + "；".join(problems[:5])
                           + "。请修改后重新上传并查看预览")
    regs = [row.reg for row in checked.rows]
    svc.take_seats(programme.id, len(regs))
    people = {p.resident_id: p for chunk in _chunks([r.resident_id for r in regs])
              for p in db.session.scalars(
                  sa.select(Apprentice).where(Apprentice.resident_id.in_(chunk)))}
    stated = {}
    for reg in regs:
        person = people.get(reg.resident_id)
        if person is None:
            people[reg.resident_id] = Apprentice(name=reg.name, resident_id=reg.resident_id,
                                                 mobile=reg.mobile)
            db.session.add(people[reg.resident_id])
        else:  # the person on file changes only when the record is established
            stated[reg.resident_id] = svc.stated_values(reg, person)
    now = utcnow()
    created = [
        Enrolment(programme_id=programme.id, apprentice=people[reg.resident_id],
                  enterprise_id=programme.enterprise_id, district_code=programme.district_code,
                  state=EnrolmentState.SUBMITTED, submitted_at=now, **reg.enrolment_values(),
                  **stated.get(reg.resident_id, {}))
        for reg in regs
    ]
    db.session.add_all(created)
    try:
        db.session.flush()
    except IntegrityError as err:  # AP-E5: someone enrolled one of them a moment ago
        raise rules.RuleViolation("AP-E5") from err
    for enrolment in created:
        audit.record(actor, svc.OBJECT_TYPE, enrolment.id, "import",
                     to_state=EnrolmentState.SUBMITTED, comment=f"Excel 批量报名（共{len(regs)}人）")
    db.session.flush()
    return len(created)


# ------------------------------------------------------------------------------ template


def template() -> bytes:
    """The empty import sheet: Chinese header, ID and mobile columns formatted as TEXT."""
    return spreadsheets.import_template(
        "学徒名单", tuple(COLUMNS), (12, 22, 16, 18, 18, 18, 16, 10, 14), TEXT_COLUMNS,
        {INSURED: (YES, NO), DISPATCHED: (YES, NO), HIRE: tuple(rules.HIRE_TYPES.values())}, [
        f"第 1 行为表头，请勿修改；从第 2 行起每行一名学徒，最多 {MAX_ROWS} 行。",
        f"{ID}、{MOBILE}两列已设为文本格式，请勿改为数字格式（会丢失末位和“X”）。",
        f"{START}、{END}：如 2025-03-01；{END}按合同所写填写（含当日），"
        f"无固定期限合同填“{OPEN_ENDED}”。" + rules.rule_message("AP-E1"),
        f"{INSURED}：填“{YES}”或“{NO}”。" + rules.rule_message("AP-E2"),
        f"{HIRE}：{'、'.join(rules.HIRE_TYPES.values())}。" + rules.rule_message("AP-E3"),
        f"{DISPATCHED}：劳务派遣人员填“{YES}”，由实际用工企业（即本企业）申报和培训；可留空。",
        f"{WAGE}：整数，{WAGE_BASIS}，不得低于本市最低工资标准（规则 AP-E6）。",
        "不得含有公式；任一行有误时整个文件均不导入，请按预览提示修改后重新上传。",
        "导入即提交区人社局审核，并占用项目核定名额。",
        ], MAX_ROWS)


# ------------------------------------------------------------------------------ stored uploads
# A preview's file waits on the server under a random name (services.spreadsheets).
STASH = UploadStash("enrolment-imports")
