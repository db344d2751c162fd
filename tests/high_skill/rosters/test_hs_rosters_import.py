"""The trainee list from Excel: template, preview (nothing written), error report, confirm."""

from io import BytesIO

import openpyxl
import sqlalchemy as sa

from portal.extensions import db
from portal.high_skill.rosters import importer
from portal.models import HsTrainee
from tests.high_skill.factories_rosters import make_project, sheet, trainee_values


def _upload(client, project, data: bytes):
    return client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/import",
                       data={"file": (BytesIO(data), "名单.xlsx")},
                       content_type="multipart/form-data")


def _count(project) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(HsTrainee)
                             .where(HsTrainee.proposal_id == project.id))


def test_template_has_the_columns_and_text_identifier_columns(client, login):
    _, user = make_project()
    login(user)
    response = client.get("/enterprise/hs/trainee-list/import-template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(BytesIO(response.data))
    ws = book.worksheets[0]
    assert tuple(c.value for c in ws[1]) == importer.COLUMNS
    assert ws.cell(row=2, column=2).number_format == "@"


def test_import_preview_shows_rule_errors_and_writes_nothing(client, login):
    project, user = make_project()
    login(user)
    rows = [trainee_values(), trainee_values(insured_months=11),
            trainee_values(level="advanced", level_text="高级工"), trainee_values()]
    rows[3]["resident_id"] = rows[0]["resident_id"]
    page = _upload(client, project, sheet(rows)).get_data(as_text=True)
    assert "第3行" in page and "规则 HS-E2" in page
    assert "第4行" in page and "规则 HS-E1" in page
    assert "与第2行重复" in page
    assert "确认导入（" not in page
    assert _count(project) == 0
    # The wrong rows alone, as the htmx table.
    fragment = client.hx_get(
        f"/enterprise/hs/projects/{project.id}/trainee-list/import/preview?rows=errors")
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "第3行" in text and "第2行：" not in text


def test_import_error_report_holds_the_rows_and_their_errors(client, login):
    project, user = make_project()
    login(user)
    _upload(client, project, sheet([trainee_values(), trainee_values(insured_months=3)]))
    response = client.get(f"/enterprise/hs/projects/{project.id}/trainee-list/import/errors.xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(BytesIO(response.data)).worksheets[0]
    assert ws.cell(row=1, column=len(importer.COLUMNS) + 1).value == importer.ERRORS
    assert ws.cell(row=2, column=len(importer.COLUMNS) + 1).value is None
    assert "HS-E2" in ws.cell(row=3, column=len(importer.COLUMNS) + 1).value
    # The report goes back in as it is (the errors column is ignored): still one wrong row.
    page = _upload(client, project, response.data).get_data(as_text=True)
    assert "有误 1 行" in page


def test_import_confirm_writes_every_row_in_one_go(client, login):
    project, user = make_project()
    login(user)
    rows = [trainee_values() for _ in range(21)]
    page = _upload(client, project, sheet(rows)).get_data(as_text=True)
    assert "确认导入（21 人）" in page
    response = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/import/confirm",
                           follow_redirects=True)
    assert "已导入 21 名学员" in response.get_data(as_text=True)
    assert _count(project) == 21


def test_import_with_errors_cannot_be_confirmed(client, login):
    project, user = make_project()
    login(user)
    _upload(client, project, sheet([trainee_values(insured_months=1)]))
    response = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/import/confirm",
                           follow_redirects=True)
    assert "没有待确认的导入文件" in response.get_data(as_text=True)
    assert _count(project) == 0


def test_HS_W4_import_beyond_the_quota_refused(client, login):
    project, user = make_project(quota=20)
    login(user)
    page = _upload(client, project, sheet([trainee_values() for _ in range(21)])).get_data(
        as_text=True)
    assert "超过核定研修人数 20 人" in page and "确认导入（" not in page


def test_wrong_header_refused_as_a_whole(client, login):
    project, user = make_project()
    login(user)
    page = _upload(client, project, sheet([trainee_values()], header=("姓名", "身份证"))
                   ).get_data(as_text=True)
    assert "表头不正确" in page
