"""AP-$6 through a background job (issue 14 item 6): the centre's city-wide ledger export
starts a job, lands on its progress page and yields the same workbook rows as the
synchronous export; the district keeps its direct download."""

import re
from datetime import date
from io import BytesIO

import openpyxl
import sqlalchemy as sa

from portal.models import ClaimKind, ClaimState, FundSource, Job, JobState, Outcome, Role
from tests.factories import make_user
from tests.money.ledger_factories import lines_of, make_claim, make_fund, make_recovery, pay
from tests.money_factories import approved_programme, established


def _ledger(accounts_n: int, **programme_fields):
    programme = approved_programme(planned_count=max(accounts_n, 20), **programme_fields)
    accounts = [established(programme)[1] for _ in range(accounts_n)]
    first = make_claim(programme, accounts, ClaimKind.FIRST, ClaimState.APPROVED)
    fund = make_fund(2026, FundSource.EMPLOYMENT_FUND, available=10_000_000)
    pay(first, [(fund, first.payable)])
    final = make_claim(programme, accounts, ClaimKind.FINAL, ClaimState.SUBMITTED,
                       amounts=[1750] * (accounts_n - 1) + [-2500], outcome=Outcome.PASSED)
    make_recovery(lines_of(final)[-1], repayments=[(1000, date(2026, 11, 20))])
    return programme


def _cells(data: bytes):
    sheet = openpyxl.load_workbook(BytesIO(data)).active
    return [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]


def test_AP_6_city_ledger_export_job_matches_the_synchronous_export(app, db, client, login):
    _ledger(120)
    centre = make_user(Role.CENTER)
    login(centre)
    started = client.post("/center/ledger/export-job?year=2026")
    assert started.status_code == 302
    job_id = re.fullmatch(r"/center/jobs/([0-9a-f]{32})", started.headers["Location"]).group(1)
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "补贴台账导出" in page and "已完成" in page and 'value="100"' in page
    job = db.session.get(Job, job_id)
    assert job.user_id == centre.id and job.state == JobState.DONE
    # 120 prepayments + 120 remainders + 1 payment + 1 recovery + 1 repayment: progress was
    # reported against the real number of rows.
    assert job.total == job.done == 243
    with client.get(f"/center/jobs/{job_id}/download") as download:
        assert download.status_code == 200
        assert download.mimetype.endswith("spreadsheetml.sheet")
        assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
        from_job = download.data
    with client.get("/center/ledger/export.xlsx?year=2026") as direct:
        assert _cells(from_job) == _cells(direct.data)
    rows = _cells(from_job)
    assert rows[0][0][0] == "日期" and len([r for r in rows[1:] if r[0][0] not in (None, "合计")]) == 243


def test_AP_6_export_job_keeps_the_filters_and_the_starters_scope(app, db, client, login):
    _ledger(2)
    _ledger(3, district="110108")
    login(make_user(Role.CENTER))
    started = client.post("/center/ledger/export-job?district=110108&kind=prepayment")
    job = db.session.scalar(sa.select(Job))
    assert started.headers["Location"].endswith(job.id)
    assert job.result_name == "补贴台账-110108-全部年度.xlsx"
    with client.get(f"/center/jobs/{job.id}/download") as download:
        rows = [r for r in _cells(download.data)[1:] if r[0][0] not in (None, "合计")]
    assert len(rows) == 3 and {r[1][0] for r in rows} == {"预拨"}


def test_AP_6_ledger_page_offers_the_job_city_wide_and_the_direct_file_otherwise(app, client, login):
    _ledger(2)
    login(make_user(Role.CENTER))
    html = client.get("/center/ledger").get_data(as_text=True)
    assert 'action="/center/ledger/export-job"' in html and 'name="csrf_token"' in html
    assert "/center/ledger/export.xlsx" not in html
    html = client.get("/center/ledger?district=110105").get_data(as_text=True)
    assert "/center/ledger/export.xlsx?district=110105" in html and "export-job" not in html


def test_AP_6_district_keeps_its_direct_export_and_cannot_start_the_city_job(app, db, client, login):
    _ledger(2)
    login(make_user(Role.DISTRICT, district="110105"))
    html = client.get("/district/ledger").get_data(as_text=True)
    assert "/district/ledger/export.xlsx" in html and "export-job" not in html
    assert client.post("/district/ledger/export-job").status_code == 404
    assert client.post("/center/ledger/export-job").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_AP_6_export_job_without_csrf_is_refused(app, db, client, login):
    login(make_user(Role.CENTER))
    assert client.post("/center/ledger/export-job", csrf=False).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_AP_6_export_job_and_job_pages_take_junk_query_values(app, db, client, login):
    login(make_user(Role.CENTER))
    huge = "99999999999999999999"
    started = client.post(f"/center/ledger/export-job?year={huge}&programme={huge}"
                          f"&district={huge}&kind={huge}&q={huge}", data={"page": huge})
    assert started.status_code == 302
    job = db.session.scalar(sa.select(Job))
    assert job.state == JobState.DONE
    for url in (f"/center/jobs?page={huge}&per_page={huge}", f"/center/jobs/{job.id}?page={huge}"):
        assert client.get(url).status_code == 200
