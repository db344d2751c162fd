"""Annex 3: 北京市高技能人才研修培训结业登记备案名册 as xlsx: the project on the header, one row
per trainee who passed. ID numbers are text cells; user text is defused (no formulas)."""

from io import BytesIO

import openpyxl
from openpyxl.styles import Alignment, Font

from portal import rules
from portal.core import spreadsheets
from portal.rules.high_skill import hs_gender

TITLE = "北京市高技能人才研修培训结业登记备案名册"
HEADER = ("序号", "姓名", "性别", "身份证号", "工作单位", "岗位", "职业（工种）", "技能等级",
          "证书编号", "考核结果")
WIDTHS = (6, 10, 6, 22, 28, 14, 18, 10, 20, 10)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "@"


def roster_xlsx(project: dict, host_name: str, roster: list[dict], mask_ids: bool) -> bytes:
    """`project`: title, starts_on, ends_on, total_hours; `roster`: snapshot entries.

    C-PII: the host (who entered the IDs) gets them whole; anyone else masked.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "结业名册"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["项目名称", project["title"], None, None, "承办单位", host_name])
    sheet.append(["研修时间", f"{project['starts_on']} 至 {project['ends_on']}", None, None,
                  "累计学时", project["total_hours"]])
    sheet.append(list(HEADER))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for n, t in enumerate(roster, start=1):
        resident_id = t["resident_id"]
        sheet.append([n, t["name"], hs_gender(resident_id),
                      rules.mask_resident_id(resident_id) if mask_ids else resident_id,
                      t["employer_name"], t["post"], t["occupation"],
                      rules.LEVEL_LABELS.get(t["level"], t["level"]), t["certificate_number"],
                      "合格"])
        for column in (4, 9):
            sheet.cell(row=sheet.max_row, column=column).number_format = TEXT
    sheet.append([])
    sheet.append(["合计", f"{len(roster)} 人"])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    spreadsheets.defuse_sheet(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
