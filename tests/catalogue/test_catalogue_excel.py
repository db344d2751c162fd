"""Excel import and export of the catalogue (AP-P5): all or nothing, checked by content."""

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from portal.catalogue import admin as catalogue_admin
from portal.catalogue import lookups as catalogues
from portal.catalogue import sheets as catalogue_sheets
from portal.catalogue.lookups import memberships
from portal.cli import seed_demo
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import CatalogueKind, CatalogueVersion, Occupation, Role
from tests.catalogue.test_catalogue_admin import audit_rows, occupation, version
from tests.factories import make_user

HEADER = ["职业（工种）编码", "职业（工种）名称", "等级"]
LIST_HEADER = ["职业（工种）编码", "职业（工种）名称"]


def workbook(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, target: str, data: bytes, name: str = "目录.xlsx", **fields):
    return client.post(f"/center/catalogues/import/{target}", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), **fields})


def confirm(client, target: str, preview_page: str):
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', preview_page).group(1)
    return client.post(f"/center/catalogues/import/{target}/confirm", data={"token": token})


def occupation_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Occupation.id)))


@pytest.fixture
def centre(login):
    user = make_user(Role.CENTER)
    login(user)
    return user


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def test_AP_P5_import_creates_and_updates_after_preview_and_confirm(client, centre, upload_dir):
    turner = occupation("6-18-01-01", "车工", levels="intermediate")
    data = workbook([
        ["6-18-01-01", "车工", "中级、高级工、technician"],
        ["6-18-01-02", "铣工", "中级,高级"],
        ["6-18-01-04", "磨工", "高级技师"],
    ])
    preview = upload(client, "occupations", data).get_data(as_text=True)
    assert "全部 3 行均无误" in preview and "将新增 2 个、更新 1 个" in preview
    assert "等级：中级 → 中级、高级、技师" in preview
    assert occupation_count() == 1  # a preview changes nothing
    assert len(list((upload_dir / "catalogue-imports").iterdir())) == 1

    response = confirm(client, "occupations", preview)
    assert response.status_code == 302
    db.session.refresh(turner)
    assert turner.levels == "intermediate,advanced,technician"
    assert db.session.scalar(sa.select(Occupation.levels).where(Occupation.code == "6-18-01-02")) \
        == "intermediate,advanced"
    assert sorted(a.action for a in audit_rows("occupation")) == ["create", "create", "edit"]
    assert not list((upload_dir / "catalogue-imports").iterdir())
    assert "新增 2 个、更新 1 个" in client.get("/center/catalogues").get_data(as_text=True)

    again = confirm(client, "occupations", preview)  # a second click
    assert again.status_code == 302 and "/import/occupations" in again.headers["Location"]
    assert len(audit_rows("occupation")) == 3


def test_AP_P5_one_bad_row_imports_nothing_and_names_the_row(client, centre, upload_dir):
    data = workbook([
        ["6-18-01-01", "车工", "中级"],
        ["6-18-01-02", "铣工", "高级"],
        ["6-18-1-04", "磨工", "中级"],
        ["6-18-01-05", "", "特级"],
        ["6-18-01-01", "车工二", "中级"],
    ])
    response = upload(client, "occupations", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "其中 3 行有误，整个文件均未导入" in page
    rows = {int(n): row for n, row in re.findall(r"第 (\d+) 行</th>(.*?)</tr>", page, re.S)}
    assert "格式不正确" in rows[4]
    assert "名称不能为空" in rows[5] and "“特级”无法识别" in rows[5]
    assert "与第 2 行重复" in rows[6]
    assert "error" not in rows[2] and "error" not in rows[3]
    assert 'name="token"' not in page  # nothing to confirm
    assert occupation_count() == 0 and not audit_rows("occupation")
    assert not (upload_dir / "catalogue-imports").exists() or \
        not list((upload_dir / "catalogue-imports").iterdir())


def test_AP_P5_confirm_rechecks_the_sheet_and_stays_all_or_nothing(db, upload_dir):
    """Between preview and confirm a row may have become wrong: still nothing is written."""
    centre_user = make_user(Role.CENTER)
    occupation("6-18-01-01", "车工")
    data = workbook([["6-18-01-02", "铣工"], ["6-18-01-01", "车工"]], LIST_HEADER)
    start = catalogues.today() + timedelta(days=3)
    assert catalogue_sheets.preview_import("urgent", data, start).ok is False  # 铣工 unknown
    with pytest.raises(catalogue_sheets.ImportRefused) as refused:
        catalogue_admin.apply_import(centre_user, "urgent", data, start)
    assert [r.number for r in refused.value.preview.rows if r.errors] == [2]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CatalogueVersion.id))) == 0


def test_AP_P5_list_import_checks_codes_against_the_catalogue(client, centre, upload_dir):
    turner = occupation("6-18-01-01", "车工")
    grinder = occupation("6-18-01-04", "磨工", is_demo=True)
    today = catalogues.today()
    version(CatalogueKind.PROHIBITED, today - timedelta(days=30), [turner])
    start = today + timedelta(days=7)

    unknown = upload(client, "prohibited", workbook(
        [["6-18-01-04", ""], ["6-99-01-01", "不存在"]], LIST_HEADER),
        effective_from=start.isoformat()).get_data(as_text=True)
    assert re.search(r"第 3 行</th>.*?6-99-01-01 不在职业目录中", unknown, re.S)
    assert 'name="token"' not in unknown

    preview = upload(client, "prohibited", workbook([["6-18-01-04", ""]], LIST_HEADER),
                     effective_from=start.isoformat(), note="禁限目录2026版").get_data(as_text=True)
    assert "较上一版本新增 1 个、移出 1 个" in preview and "演示数据" in preview
    assert confirm(client, "prohibited", preview).status_code == 302
    assert memberships([turner.id, grinder.id], start) == {
        turner.id: set(), grinder.id: {CatalogueKind.PROHIBITED}}
    assert memberships([turner.id], start - timedelta(days=1))[turner.id] == {
        CatalogueKind.PROHIBITED}
    [entry] = audit_rows("catalogue_version")
    assert "Excel 导入" in entry.comment and "禁限目录2026版" in entry.comment


def test_AP_P5_list_import_refuses_a_back_dated_version(client, centre, upload_dir):
    occupation("6-18-01-01", "车工")
    yesterday = catalogues.today() - timedelta(days=1)
    page = upload(client, "urgent", workbook([["6-18-01-01", "车工"]], LIST_HEADER),
                  effective_from=yesterday.isoformat()).get_data(as_text=True)
    assert "不能早于今天" in page and 'name="token"' not in page


def test_AP_P5_formula_cells_are_refused_and_never_evaluated(client, centre, upload_dir):
    data = workbook([["6-18-01-01", "车工", "中级"], ["6-18-01-02", '=HYPERLINK("http://x","铣工")',
                                                       "中级"], ["=A2", "磨工", "中级"]])
    page = upload(client, "occupations", data).get_data(as_text=True)
    assert "文件含公式（B3、A4 单元格）" in page
    assert 'name="token"' not in page and "导入预览" not in page
    assert occupation_count() == 0


def test_AP_P5_formula_in_the_header_is_refused(db):
    data = workbook([["6-18-01-01", "车工", "中级"]], header=["=1+1", "职业（工种）名称", "等级"])
    with pytest.raises(ServiceError, match="A1"):
        catalogue_sheets.preview_import("occupations", data)


@pytest.mark.parametrize("content", [
    b"%PDF-1.4\n1 0 obj<<>>endobj\n",
    "职业（工种）编码,职业（工种）名称,等级\n6-18-01-01,车工,中级\n".encode(),
    b"",
])
def test_AP_P5_non_excel_files_are_refused_by_content(client, centre, upload_dir, content):
    response = upload(client, "occupations", content, name="目录.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "不是 Excel 工作簿" in page or "请选择要上传的 Excel 文件" in page or "为空" in page
    assert occupation_count() == 0


def test_AP_P5_a_zip_that_is_not_a_workbook_is_refused(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ServiceError, match="不是 Excel 工作簿"):
        catalogue_sheets.preview_import("occupations", out.getvalue())
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")
    with pytest.raises(ServiceError, match="无法读取"):
        catalogue_sheets.preview_import("occupations", broken.getvalue())


@pytest.mark.parametrize("header", [
    ["编码", "名称", "等级"],
    ["职业（工种）名称", "职业（工种）编码", "等级"],
    HEADER + ["备注"],
    ["职业（工种）编码", "职业（工种）名称"],
])
def test_AP_P5_wrong_columns_are_refused(client, centre, upload_dir, header):
    page = upload(client, "occupations", workbook([["6-18-01-01", "车工", "中级"]], header))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "表头不正确" in text and "导入模板" in text
    assert occupation_count() == 0


def test_AP_P5_sheets_over_5000_rows_are_refused(client, centre, upload_dir):
    rows = [[f"6-{n // 10000 % 100:02d}-{n // 100 % 100:02d}-{n % 100:02d}", f"工种{n}", "中级"]
            for n in range(5001)]
    page = upload(client, "occupations", workbook(rows)).get_data(as_text=True)
    assert "超过 5000 行" in page and 'name="token"' not in page
    assert occupation_count() == 0
    assert len(catalogue_sheets.read_sheet(workbook(rows[:5000]), occupations=True)) == 5000


def test_AP_P5_export_then_import_changes_nothing(client, centre, upload_dir):
    seed_demo()
    db.session.commit()
    before = db.session.execute(
        sa.select(Occupation.code, Occupation.name, Occupation.levels).order_by(Occupation.code)
    ).all()
    response = client.get("/center/catalogues/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == catalogue_sheets.XLSX_MIME
    assert "attachment" in response.headers["Content-Disposition"]
    exported = response.get_data()

    sheet = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:3]) == HEADER and len(rows) == len(before) + 1
    turner = next(r for r in rows if r[0] == "6-18-01-01")
    assert turner[1:] == ("车工", "中级、高级、技师、高级技师", "是", "是", None, "是")
    assert sheet["A2"].number_format == "@" and sheet["A2"].data_type == "s"

    preview = upload(client, "occupations", exported).get_data(as_text=True)
    assert f"将新增 0 个、更新 0 个，{len(before)} 个无变化" in preview
    assert confirm(client, "occupations", preview).status_code == 302
    after = db.session.execute(
        sa.select(Occupation.code, Occupation.name, Occupation.levels).order_by(Occupation.code)
    ).all()
    assert after == before and not audit_rows("occupation")


def test_AP_P5_export_shows_the_lists_in_force_on_the_chosen_date(client, centre):
    turner = occupation("6-18-01-01", "车工")
    start = catalogues.today() + timedelta(days=20)
    version(CatalogueKind.URGENT, start, [turner])
    rows_now = _export_rows(client, "")
    rows_then = _export_rows(client, f"?on={start.isoformat()}")
    assert rows_now[1][3] is None and rows_then[1][3] == "是"


def _export_rows(client, query: str):
    data = client.get(f"/center/catalogues/export.xlsx{query}").get_data()
    return list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


def test_AP_P5_version_export_round_trips_as_a_list_import(client, centre, upload_dir):
    turner = occupation("6-18-01-01", "车工")
    old = version(CatalogueKind.URGENT, catalogues.today() - timedelta(days=9), [turner])
    exported = client.get(f"/center/catalogues/lists/urgent/versions/{old.id}/export.xlsx")
    start = (catalogues.today() + timedelta(days=1)).isoformat()
    preview = upload(client, "urgent", exported.get_data(), effective_from=start)
    assert "较上一版本新增 0 个、移出 0 个" in preview.get_data(as_text=True)


@pytest.mark.parametrize("target", ["occupations", "urgent"])
def test_templates_have_a_chinese_header_and_a_text_code_column(client, centre, target):
    response = client.get(f"/center/catalogues/template/{target}.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == (HEADER if target == "occupations" else LIST_HEADER)
    assert sheet.column_dimensions["A"].number_format == "@"
    assert "填写说明" in book.sheetnames
    # The empty template is a valid (if empty) import: the header is what the import expects.
    with pytest.raises(ServiceError, match="没有数据"):
        catalogue_sheets.preview_import(target, response.get_data(),
                                        catalogues.today() + timedelta(days=1))


def test_download_links_opt_out_of_hx_boost(client, centre):
    page = client.get("/center/catalogues").get_data(as_text=True)
    link = re.search(r'<a href="/center/catalogues/export\.xlsx[^>]*>', page).group(0)
    assert 'hx-boost="false"' in link and "download" in link


def test_stale_or_forged_confirmation_imports_nothing(client, centre, upload_dir):
    preview = upload(client, "occupations", workbook([["6-18-01-01", "车工", "中级"]]))
    page = preview.get_data(as_text=True)
    forged = client.post("/center/catalogues/import/occupations/confirm",
                         data={"token": "0" * 32})
    wrong_target = client.post("/center/catalogues/import/urgent/confirm",
                               data={"token": re.search(r'value="([0-9a-f]{32})"', page).group(1)})
    assert forged.status_code == 302 and wrong_target.status_code == 302
    assert occupation_count() == 0
    assert isinstance(upload_dir, Path)
