"""AP-$6: the subsidy ledger (台账) and its exports, through the pages, over a real database."""

from datetime import date
from io import BytesIO

import openpyxl
import pytest

from portal.models import ClaimKind, ClaimState, FundSource, Outcome, Role
from tests.factories import make_user
from tests.money.ledger_factories import lines_of, make_claim, make_fund, make_recovery, pay
from tests.money_factories import approved_programme, established

LEDGER_KINDS = ("预拨", "剩余补贴", "拨付", "追回", "还款")


def _screen_totals(html: str) -> dict[str, int]:
    import re

    found = re.findall(r'<tr id="total-(\w+)"><th scope="row">(\S+?)</th><td>(\d+)</td>'
                       r'<td class="amount" data-amount="(-?\d+)">', html)
    return {label: int(amount) for _kind, label, _count, amount in found}


def _sheet(data: bytes):
    book = openpyxl.load_workbook(BytesIO(data))
    return book.active


def _export_rows_and_totals(data: bytes):
    sheet = _sheet(data)
    rows, totals = [], {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if not any(v is not None for v in values):
            continue
        if values[0] == "合计":
            totals[values[1]] = values[8]
        else:
            rows.append(values)
    return sheet, rows, totals


def build_programme(accounts_n: int, *, pay_first: bool = True, finals: bool = True):
    """A programme with `accounts_n` established apprentices, a first claim (paid, split over
    two funds), a final claim with one failure recovered in part."""
    programme = approved_programme(planned_count=max(accounts_n, 20))
    accounts = [established(programme)[1] for _ in range(accounts_n)]
    first = make_claim(programme, accounts, ClaimKind.FIRST, ClaimState.APPROVED)
    if pay_first:
        special = make_fund(2026, FundSource.SPECIAL_ACCOUNT, available=first.payable // 2)
        employment = make_fund(2026, FundSource.EMPLOYMENT_FUND, available=10_000_000)
        pay(first, [(special, first.payable // 2), (employment, first.payable - first.payable // 2)])
    if finals:
        amounts = [1750] * (accounts_n - 1) + [-2500]
        final = make_claim(programme, accounts, ClaimKind.FINAL, ClaimState.SUBMITTED,
                           amounts=amounts, outcome=Outcome.PASSED)
        make_recovery(lines_of(final)[-1], repayments=[(1000, date(2026, 11, 20))])
    return programme, accounts


def test_AP_6_ledger_totals_reconcile_with_export(app, login, client):
    """AP-$6: over hundreds of generated lines, on-screen totals == export totals == sum of rows."""
    programme, _accounts = build_programme(120)
    centre = make_user(Role.CENTER)
    login(centre)
    html = client.get("/center/ledger?year=2026").get_data(as_text=True)
    screen = _screen_totals(html)
    assert set(screen) == set(LEDGER_KINDS)
    # 120 × 2500 prepaid; 119 × 1750 − 2500 remainder; the payment in two parts; recovery 2500.
    assert screen == {"预拨": 300_000, "剩余补贴": 119 * 1750 - 2500, "拨付": 300_000,
                      "追回": 2500, "还款": 1000}
    response = client.get("/center/ledger/export.xlsx?year=2026")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    _sheet_, rows, totals = _export_rows_and_totals(response.data)
    assert len(rows) == 120 + 120 + 2 + 1 + 1
    assert totals == screen
    by_kind = {label: sum(r[8] for r in rows if r[1] == label) for label in LEDGER_KINDS}
    assert by_kind == screen
    assert all(isinstance(r[8], int) for r in rows)


def test_AP_6_export_ids_are_masked_text_cells(app, login, client):
    """AP-$6, C-PII: ID cells are strings, masked (first 6, last 4); Chinese headers."""
    build_programme(3)
    login(make_user(Role.CENTER))
    sheet = _sheet(client.get("/center/ledger/export.xlsx").data)
    assert [c.value for c in sheet[1]][:4] == ["日期", "类别", "单号", "企业"]
    ids = [row[7] for row in sheet.iter_rows(min_row=2) if row[7].value]
    assert ids
    for cell in ids:
        assert isinstance(cell.value, str)
        assert cell.number_format == "@"
        assert cell.value[6:14] == "********" and len(cell.value) == 18


def test_AP_6_ledger_scoped_to_enterprise_and_district(app, login, client):
    """AP-$6, C-DIST: an enterprise sees its own entries; another district sees none."""
    mine, _ = build_programme(2, finals=False)
    build_programme(2, finals=False)
    from portal.extensions import db
    from portal.models import Organisation

    owner = make_user(Role.ENTERPRISE, org=db.session.get(Organisation, mine.enterprise_id))
    login(owner)
    screen = _screen_totals(client.get("/enterprise/ledger").get_data(as_text=True))
    assert screen["预拨"] == 5000 and screen["拨付"] == 5000
    client.post("/logout")
    login(make_user(Role.DISTRICT, district="110108"))
    screen = _screen_totals(client.get("/district/ledger").get_data(as_text=True))
    assert all(v == 0 for v in screen.values())


def test_AP_6_ledger_filters_by_kind_and_search(app, login, client):
    """AP-$6: filtering by kind narrows rows and totals; the htmx request gets the fragment."""
    build_programme(4)
    login(make_user(Role.CENTER))
    response = client.hx_get("/center/ledger?kind=repayment")
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert _screen_totals(html)["还款"] == 1000 and _screen_totals(html)["预拨"] == 0
    html = client.get("/center/ledger?q=no-such-enterprise").get_data(as_text=True)
    assert "没有符合条件的台账记录" in html


def test_AP_6_publicity_export_lists_approved_claims(app, login, client):
    """AP-$6: the 公示 export: enterprise, occupation, level, headcount, amount of approved
    and paid claims only."""
    programme, accounts = build_programme(3, finals=False)
    make_claim(programme, accounts[:1], ClaimKind.FINAL, ClaimState.SUBMITTED, amounts=[1750])
    login(make_user(Role.CENTER))
    sheet = _sheet(client.get("/center/ledger/publicity.xlsx").data)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [c.value for c in sheet[1]] == ["序号", "企业名称", "培训职业（工种）", "培训等级",
                                           "申请类别", "补贴人数（人）", "补贴金额（元）"]
    assert len(rows) == 1
    assert rows[0][3] == "中级" and rows[0][4] == "首次补贴申请"
    assert rows[0][5] == 3 and rows[0][6] == 7500


@pytest.mark.parametrize("size", [5, 40])
def test_AP_6_ledger_page_constant_queries(app, login, client, count_queries, size):
    """AP-$6: the ledger page costs the same number of queries at any size."""
    build_programme(size)
    login(make_user(Role.CENTER))
    with count_queries() as statements:
        assert client.get("/center/ledger").status_code == 200
    assert len(statements) <= 12, statements
