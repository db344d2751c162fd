"""Bulk 学徒报名 that helps fix the sheet: the preview filtered to the wrong rows, and the error
report (the uploaded rows, each with its errors and rule IDs) that uploads again once fixed."""

import io
import zipfile
from datetime import date

import openpyxl
import sqlalchemy as sa

from portal.apprenticeship.enrolment import importer
from portal.extensions import db
from portal.models import Enrolment
from tests.apprenticeship.enrolment import test_enrolment_import as imports
from tests.enrolment_factories import mobile, own_programme, resident_id, sheet_row, xlsx
from tests.programme_factories import approved_enterprise_user

# The upload and confirmation, as for imports (`owner` is the folder's conftest fixture).
upload, confirm = imports._upload, imports._confirm
BAD_ID = "110105199901011234"  # wrong check character
BAD_MOBILE = "2390000000"
ERROR_FILL = "FFC7CE"


def _report_url(programme) -> str:
    return f"/enterprise/programmes/{programme.id}/apprentices/import/errors.xlsx"


def _preview_url(programme, errors_only: bool = False) -> str:
    url = f"/enterprise/programmes/{programme.id}/apprentices/import/preview"
    return url + "?rows=errors" if errors_only else url


def _report(client, programme) -> openpyxl.Workbook:
    response = client.get(_report_url(programme))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.headers["Cache-Control"] == "no-store"
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_errors():
    """A sheet of four: rows 3 (C-ID1) and 5 (C-ID3) wrong."""
    return [sheet_row(), sheet_row(**{"身份证号码": BAD_ID}), sheet_row(),
            sheet_row(**{"手机号码": BAD_MOBILE})]


def _enrolments() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))


def test_C_ID1_error_report_names_rule_per_row(client, owner):
    programme = own_programme(owner)
    rows = _with_errors()
    page = upload(client, programme, xlsx(rows)).get_data(as_text=True)
    assert "下载错误报告（Excel）" in page and _report_url(programme) in page
    sheet = _report(client, programme).worksheets[0]
    errors_column = len(importer.COLUMNS) + 1
    assert tuple(c.value for c in sheet[1]) == (*importer.COLUMNS, "错误")
    for number, uploaded in enumerate(rows, start=2):
        values = [sheet.cell(row=number, column=i).value for i in range(1, errors_column)]
        assert values == uploaded  # the uploaded rows, in the template's column order
        assert sheet.cell(row=number, column=2).number_format == "@"  # 身份证号码 as text
        assert sheet.cell(row=number, column=3).number_format == "@"  # 手机号码 as text
    errors = {number: sheet.cell(row=number, column=errors_column).value for number in range(2, 6)}
    assert "居民身份证号码须为18位" in errors[3] and "（规则 C-ID1）" in errors[3]
    assert "手机号码须为以1开头的11位数字" in errors[5] and "（规则 C-ID3）" in errors[5]
    assert "C-ID3" not in errors[3] and "C-ID1" not in errors[5]
    assert errors[2] is None and errors[4] is None
    assert all(cell.value is None for cell in sheet[6])  # nothing but the uploaded rows
    assert sheet["A3"].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert sheet.cell(row=3, column=errors_column).fill.fgColor.rgb.endswith(ERROR_FILL)
    assert not sheet["A2"].fill.fgColor.rgb.endswith(ERROR_FILL)
    # Still the template: its drop-down lists and its notes come along.
    assert len(sheet.data_validations.dataValidation) == 3
    assert sheet.parent.sheetnames[1] == "填写说明"


def test_C_ID1_error_report_keeps_the_rows_where_they_were(client, owner):
    """Blank rows stay blank, so "与第2行重复" points at the right row of the report."""
    programme = own_programme(owner)
    first = sheet_row()
    rows = [first, [None] * len(importer.COLUMNS), sheet_row(**{"身份证号码": first[1]})]
    upload(client, programme, xlsx(rows))
    sheet = _report(client, programme).worksheets[0]
    assert sheet["A4"].value == rows[2][0] and sheet["A3"].value is None
    assert sheet.cell(row=4, column=len(importer.COLUMNS) + 1).value == "身份证号码与第2行重复"


def test_error_report_reuploads_after_fix(client, owner):
    programme = own_programme(owner)
    upload(client, programme, xlsx(_with_errors()))
    book = _report(client, programme)
    sheet = book.worksheets[0]
    sheet["B3"] = resident_id()
    sheet["C5"] = mobile()
    # The old error texts stay in the last column: the importer ignores that column.
    page = upload(client, programme, _saved(book), "学徒名单错误报告.xlsx").get_data(as_text=True)
    assert "共 4 行" in page and "有误 0 行" in page and "确认导入并提交审核" in page
    assert "下载错误报告" not in page
    assert confirm(client, programme).status_code == 302
    assert _enrolments() == 4


def test_error_report_row_emptied_but_for_its_error_text_is_no_row(client, owner):
    programme = own_programme(owner)
    upload(client, programme, xlsx(_with_errors()))
    book = _report(client, programme)
    sheet = book.worksheets[0]
    for column in range(1, len(importer.COLUMNS) + 1):  # the wrong person is taken out
        sheet.cell(row=3, column=column).value = None
    sheet["C5"] = mobile()
    page = upload(client, programme, _saved(book)).get_data(as_text=True)
    assert "共 3 行" in page and "有误 0 行" in page


def test_errors_only_filter(client, owner):
    programme = own_programme(owner)
    rows = _with_errors()
    page = upload(client, programme, xlsx(rows)).get_data(as_text=True)
    assert f'href="{_preview_url(programme, errors_only=True)}"' in page  # a plain link, no JS
    only_errors = client.get(_preview_url(programme, errors_only=True)).get_data(as_text=True)
    assert "<html" in only_errors and "上传并预览" in only_errors  # the full page without htmx
    assert rows[1][0] in only_errors and rows[3][0] in only_errors
    assert rows[0][0] not in only_errors and rows[2][0] not in only_errors
    assert "显示全部行" in only_errors and "有误 2 行" in only_errors
    # With htmx only the table is swapped.
    fragment = client.get(_preview_url(programme, errors_only=True),
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="preview-table"' in fragment
    assert rows[1][0] in fragment and rows[0][0] not in fragment
    every_row = client.get(_preview_url(programme), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert all(row[0] in every_row for row in rows) and "只看有错误的行" in every_row


def test_errors_only_filter_after_the_upload_is_gone(client, owner):
    programme = own_programme(owner)
    response = client.get(_preview_url(programme, errors_only=True))
    assert response.status_code == 302 and response.headers["Location"].endswith("/import")
    response = client.get(_preview_url(programme, errors_only=True), headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].endswith(f"/programmes/{programme.id}/apprentices/import")
    assert client.get(_report_url(programme)).status_code == 302


def test_sheet_with_errors_cannot_be_confirmed(client, owner):
    programme = own_programme(owner)
    upload(client, programme, xlsx(_with_errors()))
    response = confirm(client, programme)
    assert "没有待确认" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _enrolments() == 0


def test_error_report_not_visible_to_another_enterprise(client, owner, login):
    programme = own_programme(owner)
    upload(client, programme, xlsx(_with_errors()))
    with client.session_transaction() as session:
        pending = dict(session["enrolment_import"])
    assert client.get(_report_url(programme)).status_code == 200
    other = approved_enterprise_user()
    theirs = own_programme(other)
    client.post("/logout")
    login(other)
    with client.session_transaction() as session:  # even holding the first one's upload
        session["enrolment_import"] = dict(pending)
    assert client.get(_report_url(programme)).status_code == 404
    assert client.get(_preview_url(programme, errors_only=True)).status_code == 404
    with client.session_transaction() as session:  # or pointing it at its own programme
        session["enrolment_import"] = dict(pending, programme_id=theirs.id)
    response = client.get(_report_url(theirs))
    assert response.status_code == 302 and not response.data.startswith(b"PK")
    assert client.get(_preview_url(theirs)).status_code == 302


def test_error_report_cells_not_formulas(client, owner):
    programme = own_programme(owner)
    risky = {"姓名": "@SUM(1+1)", "手机号码": "-1+2", "招用类型": "+新招用", "劳务派遣": "\t-1"}
    page = upload(client, programme, xlsx([sheet_row(**risky), sheet_row()]))
    assert "含公式" not in page.get_data(as_text=True)
    response = client.get(_report_url(programme))
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        worksheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in worksheet and b"<f " not in worksheet
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    for letter, value in (("A", "@SUM(1+1)"), ("C", "-1+2"), ("G", "+新招用"), ("H", "\t-1")):
        cell = sheet[f"{letter}2"]
        assert cell.value == value and cell.data_type == "s" and cell.quotePrefix
    assert not sheet["A3"].quotePrefix
    # The report reads back as it was uploaded (no formula refusal, values unchanged).
    cells = importer.read_sheet(response.data)
    assert cells[0][1][0] == "@SUM(1+1)" and cells[0][1][2] == "-1+2"


def test_error_report_dates_stay_dates(client, owner):
    programme = own_programme(owner)
    typed = sheet_row(**{"手机号码": BAD_MOBILE, "劳动合同起始日期": date(2026, 1, 1)})
    upload(client, programme, xlsx([typed]))
    cell = _report(client, programme).worksheets[0]["D2"]
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    assert cell.value.date() == date(2026, 1, 1) and cell.value.hour == 0
