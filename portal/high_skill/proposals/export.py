"""HS-W2: a proposal as an Excel workbook in the shape of annex 1 (项目实施方案): numbered
sections of label / value rows, the teachers as a table, the hours by format with the HS-P4
flag. Every typed text is defused (a title typed as "=HYPERLINK(…)" stays text)."""

from io import BytesIO

import openpyxl
from openpyxl.styles import Alignment, Font

from portal.core import spreadsheets
from portal.models import HostType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEACHER_HEADER = ("序号", "姓名", "类别", "职称或技能等级", "工作单位", "授课内容")
TEXT = "@"


def _host_type(host) -> str:
    """HS-H1: the host's type as registered, else its kind of organisation (企业, 培训机构)."""
    if host.host_type in {t.value for t in HostType}:
        return HostType(host.host_type).label
    return host.kind.label


def _section(sheet, title: str) -> None:
    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)


def _pairs(sheet, pairs) -> None:
    for label, value in pairs:
        sheet.append([label, value])
        row = sheet.max_row
        sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(value, str):
            sheet.cell(row=row, column=2).number_format = TEXT


def annex_xlsx(annex: dict) -> bytes:
    """`annex` is `services.annex_context(proposal)`."""
    p, host, call, hours = annex["p"], annex["host"], annex["call"], annex["hours"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目实施方案"
    sheet.append([f"{p.year}年北京市高技能人才研修培训项目实施方案"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append(["状态", p.state.label])
    _section(sheet, "一、基本情况")
    _pairs(sheet, (
        ("承办单位", host.name), ("统一社会信用代码", host.credit_code),
        ("单位类型", _host_type(host)), ("联系人", host.contact_name),
        ("征集通知", call.title), ("项目名称", p.title), ("专业方向", p.direction),
        ("涉及职业（工种）", "、".join(line.strip() for line in p.occupations.splitlines()
                                   if line.strip())),
    ))
    _section(sheet, "二、研修目标")
    _pairs(sheet, (("研修目标", p.objectives),))
    _section(sheet, "三、研修内容")
    _pairs(sheet, (("新知识、新技术、新技能、新工艺", p.content_new),
                   ("拟研讨解决的生产实践技术和工艺难题", p.content_problems)))
    _section(sheet, "四、授课教师")
    sheet.append(list(TEACHER_HEADER))
    for n, t in enumerate(annex["teachers"], start=1):
        sheet.append([n, t.name, t.kind.label, t.title, t.employer, t.topic])
    _section(sheet, "五、研修形式与学时")
    _pairs(sheet, [("组织方式", p.mode.label)]
           + [(label, getattr(p, name)) for name, label in annex["hours_labels"].items()]
           + [("累计学时", hours.total), ("其中研讨、交流学时", hours.seminar_exchange),
              ("低于一般要求（规则 HS-P4）", "是" if hours.flagged else "否"),
              ("理由", p.hours_reason)])
    _section(sheet, "六、研修人数与班额")
    _pairs(sheet, (("计划研修人数", p.planned_trainees), ("每班人数", p.class_size)))
    _section(sheet, "七、研修时间与地点")
    _pairs(sheet, (("开始日期", p.starts_on.isoformat()), ("结束日期", p.ends_on.isoformat()),
                   ("研修地点", p.venue)))
    _section(sheet, "八、承诺")
    _pairs(sheet, (("不转包、分包（规则 HS-H3）",
                    "已承诺" if p.attests_no_subcontracting else "未承诺"),))
    for column, width in zip("ABCDEF", (30, 60, 16, 18, 24, 30), strict=True):
        sheet.column_dimensions[column].width = width
    spreadsheets.defuse_sheet(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
