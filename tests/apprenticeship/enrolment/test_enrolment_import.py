"""Bulk 学徒报名 from Excel: template, preview of every row, refusals, all-or-nothing import
(C-ID1, C-ID3, AP-E1..E6, AP-E5 in bulk, the headcount in one guarded update)."""

import io
import time
import zipfile

import openpyxl
import sqlalchemy as sa

from portal.apprenticeship.enrolment import importer
from portal.apprenticeship.enrolment import services as svc
from portal.extensions import db
from portal.models import (
    Apprentice,
    AuditLog,
    Enrolment,
    EnrolmentState,
    Programme,
    ReviewState,
)
from tests.enrolment_factories import (
    ONE_YEAR_END,
    SHORT_END,
    make_apprentice,
    make_enrolment,
    own_programme,
    sheet_row,
    xlsx,
)
from tests.factories import use_tmp_uploads
from tests.programme_factories import approved_enterprise_user, make_programme


def _upload(client, programme, data: bytes, name: str = "学徒名单.xlsx"):
    return client.post(f"/enterprise/programmes/{programme.id}/apprentices/import",
                       data={"file": (io.BytesIO(data), name)})


def _confirm(client, programme):
    return client.post(f"/enterprise/programmes/{programme.id}/apprentices/import/confirm")


def _enrolments() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))


def test_template_formats_id_and_mobile_columns_as_text(client, owner):
    response = client.get("/enterprise/enrolments/import-template.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert tuple(c.value for c in sheet[1]) == importer.COLUMNS
    for letter in ("B", "C"):  # 身份证号码, 手机号码
        assert sheet.column_dimensions[letter].number_format == "@"
        assert sheet[f"{letter}2"].number_format == "@"
        assert sheet[f"{letter}1001"].number_format == "@"
    assert sheet["A2"].number_format != "@"


def test_template_filled_in_imports_cleanly(client, owner):
    programme = own_programme(owner)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/enterprise/enrolments/import-template.xlsx").data))
    sheet = book.worksheets[0]
    for column, value in enumerate(sheet_row(), start=1):
        sheet.cell(row=2, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    assert "确认导入并提交审核" in _upload(client, programme, out.getvalue()).get_data(as_text=True)
    assert _confirm(client, programme).status_code == 302
    assert _enrolments() == 1


def test_AP_W2_valid_sheet_previews_then_imports_all_rows_submitted(client, owner):
    programme = own_programme(owner)
    rows = [sheet_row() for _ in range(5)]
    page = _upload(client, programme, xlsx(rows)).get_data(as_text=True)
    assert "共 5 行" in page and "有误 0 行" in page and "确认导入并提交审核" in page
    assert rows[0][1] not in page and rows[0][1][:6] in page  # C-PII: masked in the preview
    assert _enrolments() == 0  # a preview writes nothing
    response = _confirm(client, programme)
    assert response.status_code == 302
    assert "已导入并提交 5 名" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    statuses = set(db.session.scalars(sa.select(Enrolment.state)))
    assert statuses == {EnrolmentState.SUBMITTED}
    assert db.session.get(Programme, programme.id).enrolled_count == 5 == svc.seats_in_use(programme.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "import")) == 5
    # The stored file is gone and confirming again does nothing.
    assert "没有待确认" in client.get(_confirm(client, programme).headers["Location"]).get_data(as_text=True)
    assert _enrolments() == 5


def test_C_ID1_C_ID3_AP_E1_row_errors_name_the_row_and_the_rule(client, owner):
    programme = own_programme(owner)
    rows = [sheet_row(), sheet_row(), sheet_row(), sheet_row(**{"身份证号码": "110105199901011234"}),
            sheet_row(**{"手机号码": "2390000000"}),
            sheet_row(**{"劳动合同终止日期": SHORT_END}),
            sheet_row(**{"劳动合同终止日期": ONE_YEAR_END}),
            sheet_row(**{"在本市缴纳社会保险": "否", "月工资（元）": 100}),
            sheet_row(**{"月工资（元）": 99999999999, "劳动合同起始日期": "2025-02-30"})]
    page = _upload(client, programme, xlsx(rows)).get_data(as_text=True)
    assert "第5行：居民身份证号码" in page and "C-ID1" in page
    assert "第6行：手机号码须为" in page and "C-ID3" in page
    assert "第7行：劳动合同期限" in page and "AP-E1" in page
    assert "第8行" not in page  # 1 January..31 December is a year
    assert "第9行：学徒须在本市缴纳社会保险" in page and "第9行：培训期间学徒工资不得低于" in page
    assert "第10行：劳动合同起始日期无法识别" in page and "第10行：月工资（元）：月工资须为" in page
    assert "确认导入并提交审核" not in page and "有误 5 行" in page
    assert _confirm(client, programme).status_code == 302
    assert _enrolments() == 0


def test_C_ID1_id_typed_as_a_number_is_refused(client, owner):
    programme = own_programme(owner)
    page = _upload(client, programme, xlsx([sheet_row(**{"身份证号码": 110105199901011230})]))
    assert "须以文本格式填写" in page.get_data(as_text=True)


def test_AP_E5_duplicates_inside_the_sheet_refused(client, owner):
    programme = own_programme(owner)
    first = sheet_row()
    page = _upload(client, programme, xlsx([first, sheet_row(), sheet_row(**{"身份证号码": first[1]})]))
    assert "第4行：身份证号码与第2行重复" in page.get_data(as_text=True)


def test_AP_E5_person_enrolled_elsewhere_refused_in_bulk(client, owner):
    held = make_enrolment(EnrolmentState.ACTIVE)
    person = db.session.get(Apprentice, held.apprentice_id)
    programme = own_programme(owner)
    page = _upload(client, programme, xlsx([sheet_row(), sheet_row(**{"身份证号码": person.resident_id})]))
    body = page.get_data(as_text=True)
    assert "第3行：同一人同一时间只能有一个在读的学徒培训学籍" in body and "AP-E5" in body
    assert person.name not in body


def test_AP_W2_over_quota_sheet_refused(client, owner):
    programme = own_programme(owner, planned_count=3)
    make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    page = _upload(client, programme, xlsx([sheet_row() for _ in range(3)])).get_data(as_text=True)
    assert "超出核定人数" in page and "确认导入并提交审核" not in page


def test_AP_W2_import_is_all_or_nothing_when_seats_go_meanwhile(client, owner):
    programme = own_programme(owner, planned_count=4)
    assert "确认导入并提交审核" in _upload(client, programme, xlsx([sheet_row() for _ in range(3)])).get_data(as_text=True)
    make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    make_enrolment(EnrolmentState.SUBMITTED, programme=programme)  # 2 of 4 seats gone
    response = _confirm(client, programme)
    assert "超出核定人数" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert _enrolments() == 2 and db.session.get(Programme, programme.id).enrolled_count == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Apprentice)) == 2


def test_AP_W2_seats_are_taken_by_one_guarded_update_or_not_at_all(client, owner, monkeypatch):
    """Seats go between the re-check and the write: the guarded UPDATE refuses them all."""
    programme = own_programme(owner, planned_count=4)
    _upload(client, programme, xlsx([sheet_row() for _ in range(3)]))
    make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    checked = importer.preview

    def checked_a_moment_earlier(*args, **kwargs):
        result = checked(*args, **kwargs)
        result.sheet_errors.clear()
        return result

    monkeypatch.setattr(importer, "preview", checked_a_moment_earlier)
    response = _confirm(client, programme)
    assert "超出核定人数" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert _enrolments() == 2 and db.session.get(Programme, programme.id).enrolled_count == 2


def test_AP_E5_import_rechecks_on_confirm(client, owner):
    programme = own_programme(owner)
    rows = [sheet_row(), sheet_row()]
    assert "确认导入并提交审核" in _upload(client, programme, xlsx(rows)).get_data(as_text=True)
    # Between preview and confirmation another enterprise enrols the second person.
    make_enrolment(EnrolmentState.SUBMITTED, apprentice=make_apprentice(resident_id=rows[1][1]))
    response = _confirm(client, programme)
    assert "未通过校验" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)
                             .where(Enrolment.programme_id == programme.id)) == 0


def test_wrong_columns_refused(client, owner):
    programme = own_programme(owner)
    header = list(importer.COLUMNS)
    header[1] = "证件号"
    body = _upload(client, programme, xlsx([sheet_row()], header=header)).get_data(as_text=True)
    assert "表头不正确" in body and "下载导入模板" in body
    assert _confirm(client, programme).status_code == 302 and _enrolments() == 0


def test_formula_cells_refused_and_never_evaluated(client, owner):
    programme = own_programme(owner)
    rows = [sheet_row(), sheet_row(**{"月工资（元）": "=2000+4000"})]
    body = _upload(client, programme, xlsx(rows)).get_data(as_text=True)
    assert "含公式" in body and "I3" in body
    text_formula = [sheet_row(**{"姓名": "=HYPERLINK(\"http://x\")"})]
    assert "含公式" in _upload(client, programme, xlsx(text_formula)).get_data(as_text=True)


def test_10000_rows_refused_quickly(client, owner):
    programme = own_programme(owner)
    data = xlsx([sheet_row() for _ in range(10_000)])
    started = time.perf_counter()
    body = _upload(client, programme, data).get_data(as_text=True)
    elapsed = time.perf_counter() - started
    assert f"超过 {importer.MAX_ROWS} 行" in body
    assert elapsed < 5, elapsed


def test_non_excel_file_refused_by_content(client, owner):
    programme = own_programme(owner)
    csv = "姓名,身份证号码\n张三,110105199901010012\n".encode()
    assert "不是 Excel 工作簿" in _upload(client, programme, csv, "名单.xlsx").get_data(as_text=True)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert "不是 Excel 工作簿" in _upload(client, programme, archive.getvalue()).get_data(as_text=True)
    pdf = b"%PDF-1.4\n%%EOF\n"
    assert "不是 Excel 工作簿" in _upload(client, programme, pdf, "名单.xlsx").get_data(as_text=True)


def test_corrupt_workbook_refused_without_500(client, owner):
    programme = own_programme(owner)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("xl/workbook.xml", "not xml")
    response = _upload(client, programme, archive.getvalue())
    assert response.status_code == 200 and "无法读取" in response.get_data(as_text=True)


def test_confirm_uses_the_server_copy_not_the_client(client, owner):
    programme = own_programme(owner)
    other = own_programme(owner)
    _upload(client, programme, xlsx([sheet_row()]))
    # Confirming for another programme, or forging the session token, imports nothing.
    assert _confirm(client, other).status_code == 302
    with client.session_transaction() as session:
        session["enrolment_import"] = {"token": "../../etc/passwd", "programme_id": programme.id}
    assert _confirm(client, programme).status_code == 302
    assert _enrolments() == 0


def test_500_valid_rows_preview_fast_with_constant_queries(client, owner, count_queries):
    programme = own_programme(owner, planned_count=600)
    small = xlsx([sheet_row() for _ in range(50)])
    large = xlsx([sheet_row() for _ in range(500)])
    _upload(client, programme, small)  # warm-up: the first request of a session loads more
    with count_queries() as few:
        assert "有误 0 行" in _upload(client, programme, small).get_data(as_text=True)
    started = time.perf_counter()
    with count_queries() as many:
        body = _upload(client, programme, large).get_data(as_text=True)
    elapsed = time.perf_counter() - started
    assert "共 500 行" in body and "有误 0 行" in body
    assert elapsed < 15, elapsed
    assert len(many) == len(few)
    started = time.perf_counter()
    assert _confirm(client, programme).status_code == 302
    assert time.perf_counter() - started < 15
    db.session.expire_all()
    assert _enrolments() == 500 and db.session.get(Programme, programme.id).enrolled_count == 500


def test_other_enterprise_cannot_import_into_a_programme(client, login, app, tmp_path):
    use_tmp_uploads(app, tmp_path)
    programme = make_programme(state=ReviewState.APPROVED)
    login(approved_enterprise_user())
    assert _upload(client, programme, xlsx([sheet_row()])).status_code == 404
