"""The issue-12 money path end to end in headless Chromium (AP-S1, AP-S2, AP-$3, AP-$4, AP-$5,
AP-W3, C-REV, C-PII).

The class is arranged in the live server's database (an ordinary 中级 programme that started
fifteen months ago, three established apprentices with their subsidy accounts, the year's
fund); everything after that goes through the screens as people would: the first claim
(prepayment 2,500 each) built, reviewed, approved and paid; both parties' verdicts on the
class assessment screen (one pass with a vocational certificate, one without, one fail);
the certificate's QR link opened logged out; the final claim with the three outcomes
(5,000 / 2,500, 4,250 / 1,750, −2,500), reviewed and paid; the recovery of 2,500 repaid to
the district. A second walk reads the urgent-outside-scope 高级 figure (16,000 / 8,000).
"""

import re
import time
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from portal.clock import today
from portal.extensions import db
from portal.models import FundSource, Role, Verdict
from portal.money import funds
from tests.browser.conftest import DESKTOP, _watched_page, axe_check, by_label, describe, login
from tests.browser.conftest import serious as serious_of
from tests.enrolment_factories import make_apprentice, programme_parties
from tests.factories import PASSWORD, make_user
from tests.money.claim_helpers import assessed, paid_first_claim
from tests.money_factories import approved_programme, established

# 15 months before 2026-12: the 12-month 中级 plan ended 2026-08-31, the class can be assessed.
ENDED_START = date(2025, 9, 1)
CERTIFIED, PLAIN, FAILED = "张明远", "李思齐", "王志强"
CERT_NUMBER = "ZS-2026-118"
TIME_LIMIT_S = 60


@pytest.fixture
def visitor(browser, live_server) -> Iterator[Page]:
    """A fresh, logged-out desktop context (someone who scanned the printed QR code)."""
    yield from _watched_page(browser, DESKTOP)


# --- arrange (server side) -----------------------------------------------------------------


def _users(programme) -> dict:
    enterprise, institution = programme_parties(programme)
    return {"enterprise": enterprise.username, "institution": institution.username,
            "district": make_user(Role.DISTRICT, district=programme.district_code).username,
            "center": make_user(Role.CENTER).username}


def _fund_for_this_year() -> None:
    centre = make_user(Role.CENTER)
    funds.set_available(centre, today().year, FundSource.SPECIAL_ACCOUNT, 1_000_000, "测试资金")
    db.session.commit()


def _ended_class(live_server) -> dict:
    with live_server.app.app_context():
        programme = approved_programme(start_date=ENDED_START, planned_count=20)
        enrolments = {}
        for name in (CERTIFIED, PLAIN, FAILED):
            apprentice = make_apprentice(with_user=True, name=name)
            enrolments[name] = established(programme, apprentice=apprentice)[0].id
        _fund_for_this_year()
        world = {"programme_id": programme.id, "enrolments": enrolments, **_users(programme)}
        db.session.remove()
    return world


def _urgent_advanced_passed(live_server) -> dict:
    """AP-$3: urgent occupation outside the assessment scope, 高级; first claim paid, passed."""
    with live_server.app.app_context():
        programme = approved_programme(level="advanced")
        apprentice = make_apprentice(with_user=True, name="赵紧缺")
        enrolment, _ = established(programme, urgent=True, in_scope=False, apprentice=apprentice)
        paid_first_claim(programme)
        assessed(enrolment, Verdict.PASSED)
        world = {"programme_id": programme.id, "name": apprentice.name, **_users(programme)}
        db.session.remove()
    return world


# --- helpers -------------------------------------------------------------------------------


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()


def as_user(page: Page, live_server, username: str) -> None:
    if page.get_by_role("button", name="退出", exact=True).count():
        logout(page)
    login(page, live_server, username, PASSWORD)


def flash(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def no_serious_violations(page: Page, where: str) -> None:
    found = serious_of(axe_check(page))
    assert not found, f"{where}:\n{describe(found)}"


def new_claim(page: Page, live_server, programme_id: int, button: str) -> int:
    """On the programme's 补贴申请 page: a new draft; returns the claim's id."""
    page.goto(f"{live_server.url}/enterprise/programmes/{programme_id}/claims")
    expect(page.get_by_role("heading", level=1)).to_contain_text("补贴申请")
    page.get_by_role("button", name=button, exact=True).click()
    expect(flash(page, "草稿，请核对名单和金额后提交")).to_be_visible()
    match = re.search(r"/enterprise/claims/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def line_of(page: Page, name: str) -> Locator:
    row = page.locator("#claim-lines tbody tr").filter(has_text=name)
    expect(row).to_have_count(1)
    return row


def subsidy_row(page: Page, name: str) -> Locator:
    """The apprentice's row on the programme's 补贴明细 page."""
    row = page.locator("table.subsidy-table tbody tr").filter(has_text=name)
    expect(row).to_have_count(1)
    return row


def amounts(row: Locator) -> list[str]:
    """The line's money cells (numbers right-aligned), as shown."""
    return [t.strip() for t in row.locator("td.num").all_inner_texts()]


def submit(page: Page) -> None:
    page.get_by_role("button", name="提交区人社局审核", exact=True).click()
    expect(flash(page, "补贴申请已提交所在区人社局审核")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("待区级审核")


def approve_in_queue(page: Page, live_server, role: str, claim_id: int, number: str) -> None:
    """The district's / the centre's queue: 通过 on the claim's row, inline."""
    page.goto(f"{live_server.url}/{role}/claims")
    row = page.locator(f"#claim-{claim_id}")
    expect(row).to_contain_text(number)
    row.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("#toast")).to_contain_text(f"已通过：{number}")
    expect(row).to_contain_text("已处理")


def pay(page: Page, live_server, claim_id: int, number: str, payable: str, voucher: str) -> None:
    """The centre's 待拨付 list: date (today, prefilled) and voucher, 登记拨付."""
    page.goto(f"{live_server.url}/center/payments")
    row = page.locator(f"#claim-{claim_id}")
    expect(row).to_contain_text(number)
    expect(row.locator("td").nth(4)).to_contain_text(payable)
    expect(row.get_by_label("拨付日期")).to_have_value(today().isoformat())
    row.get_by_label("拨付凭证号").fill(voucher)
    row.get_by_role("button", name=re.compile(r"^登记拨付")).click()
    expect(flash(page, f"已登记{number}的拨付")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/center/payments/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"拨付记录：{number}")
    expect(page.locator("dl.facts")).to_contain_text(voucher)
    expect(page.locator("table").filter(has_text="资金来源")).to_contain_text(payable)


def claim_number(page: Page) -> str:
    heading = page.get_by_role("heading", level=1).inner_text()
    match = re.search(r"BT[\w-]+", heading)
    assert match, heading
    return match.group(0)


def verdict(page: Page, enrolment_id: int, label: str, name: str) -> Locator:
    """One party's verdict on the class assessment screen (the row's own htmx form)."""
    row = page.locator(f"#assessment-{enrolment_id}")
    row.get_by_label(label, exact=True).check()
    with page.expect_response(re.compile(rf"/assessment/{enrolment_id}$")):
        row.get_by_role("button", name=re.compile(r"^保存")).click()
    expect(page.locator("#toast")).to_contain_text(f"已保存：{name}")
    return page.locator(f"#assessment-{enrolment_id}")


# --- the walks -----------------------------------------------------------------------------


def test_AP_4_AP_S1_money_path_from_establishment_to_repayment(live_server, page, visitor):
    """AP-$4, AP-$3, AP-S1, AP-S2, AP-$5, AP-W3, C-REV, C-PII: prepayment 2,500; passed
    without certificate 4,250 / 1,750; with certificate 5,000 / 2,500; failed −2,500 as a
    recovery order, repaid to the district (已追回); the certificate's QR URL verifies 有效
    with a masked name."""
    started = time.monotonic()
    world = _ended_class(live_server)
    programme_id, ids = world["programme_id"], world["enrolments"]

    # --- 1. The first claim: 3 × 2,500, reviewed, approved, paid --------------------------
    login(page, live_server, world["enterprise"], PASSWORD)
    # AP-$4: on establishment each account's prepayment is 2,500 (补贴明细, not yet paid).
    page.goto(f"{live_server.url}/enterprise/programmes/{programme_id}/subsidy")
    for name in (CERTIFIED, PLAIN, FAILED):
        account = subsidy_row(page, name)
        expect(account.locator("td").nth(1)).to_contain_text("2500")
        expect(account.locator("td").nth(1)).to_contain_text("未拨付")
    expect(page.locator("#total-prepayment")).to_have_text("7500 元")
    first_id = new_claim(page, live_server, programme_id, "新建首次补贴申请")
    first_number = claim_number(page)
    expect(page.locator("#claim-headcount")).to_have_text("3")
    for name in (CERTIFIED, PLAIN, FAILED):
        assert amounts(line_of(page, name)) == ["2,500"], name
    expect(page.locator("#claim-payable")).to_have_text("7,500")
    submit(page)
    as_user(page, live_server, world["district"])
    approve_in_queue(page, live_server, "district", first_id, first_number)
    as_user(page, live_server, world["center"])
    approve_in_queue(page, live_server, "center", first_id, first_number)
    pay(page, live_server, first_id, first_number, "7500", "PZ-2026-0001")

    # --- 2. Both parties' verdicts, row by row ---------------------------------------------
    for party in ("enterprise", "institution"):
        as_user(page, live_server, world[party])
        page.goto(f"{live_server.url}/{party}/programmes/{programme_id}/assessment")
        expect(page.get_by_role("heading", level=1)).to_have_text("考核评价")
        if party == "enterprise":  # AP-S2: the vocational certificate, on the row's form
            row = page.locator(f"#assessment-{ids[CERTIFIED]}")
            row.locator("summary").filter(has_text="职业证书").click()
            row.get_by_label("职业证书类别").select_option(label="职业技能等级证书")
            row.get_by_label("证书等级").select_option(label="中级")
            row.get_by_label("证书编号").fill(CERT_NUMBER)
            row.get_by_label("发证日期").fill("2026-11-20")
        verdict(page, ids[CERTIFIED], "合格", CERTIFIED)
        verdict(page, ids[PLAIN], "合格", PLAIN)
        last = verdict(page, ids[FAILED], "不合格", FAILED)
    expect(page.locator("#toast")).to_contain_text("企校考核一致（不合格）")
    expect(last).to_contain_text("不合格")
    certified_row = page.locator(f"#assessment-{ids[CERTIFIED]}")
    expect(certified_row).to_contain_text(CERT_NUMBER)
    expect(certified_row.locator(".cert-number")).to_have_count(1)
    expect(page.locator(f"#assessment-{ids[PLAIN]}").locator(".cert-number")).to_have_count(1)
    expect(last.locator(".cert-number")).to_have_count(0)  # no certificate on a fail

    # --- 3. The certificate's QR URL, opened logged out ------------------------------------
    as_user(page, live_server, world["enterprise"])
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="学徒证书", exact=True).click()
    holder = page.locator("#results tbody tr").filter(has_text=PLAIN)
    expect(holder).to_have_count(1)
    holder.get_by_role("link").first.click()
    expect(page.locator(".certificate-sheet")).to_contain_text(PLAIN)
    sheet_text = page.locator(".cert-url").inner_text()
    found = re.search(rf"{re.escape(live_server.url)}/verify/\S+", sheet_text)
    assert found, sheet_text
    verify_url = found.group(0)
    expect(page.locator(".cert-qr svg")).to_have_count(1)
    visitor.goto(verify_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("证书查验")
    result = visitor.locator(".verify-result")
    expect(result.locator("#verdict")).to_have_text("有效")
    expect(result).to_contain_text("李**")
    expect(result).not_to_contain_text(PLAIN)
    no_serious_violations(visitor, "the public verify page")

    # --- 4. The final claim: the three outcomes on the claim page --------------------------
    final_id = new_claim(page, live_server, programme_id, "新建剩余补贴申请")
    final_number = claim_number(page)
    # (entitlement, prepaid, this claim) per apprentice, as the page shows them.
    assert amounts(line_of(page, CERTIFIED)) == ["5,000", "2,500", "2,500"]
    assert amounts(line_of(page, PLAIN)) == ["4,250", "2,500", "1,750"]
    failed_line = amounts(line_of(page, FAILED))
    assert failed_line[:2] == ["0", "2,500"], failed_line
    assert failed_line[2].startswith("-2,500"), failed_line
    expect(line_of(page, FAILED)).to_contain_text("考核不合格")
    expect(page.locator("#claim-payable")).to_have_text("4,250")
    expect(page.locator("#claim-recoverable")).to_have_text("2,500")
    expect(page.locator("#claim-lines")).not_to_contain_text(re.compile(r"\d{17}[\dX]"))
    no_serious_violations(page, "the final claim page")
    submit(page)
    as_user(page, live_server, world["district"])
    approve_in_queue(page, live_server, "district", final_id, final_number)
    as_user(page, live_server, world["center"])
    approve_in_queue(page, live_server, "center", final_id, final_number)
    pay(page, live_server, final_id, final_number, "4250", "PZ-2026-0002")

    # --- 5. The recovery of 2,500, repaid to the district ----------------------------------
    as_user(page, live_server, world["district"])
    page.goto(f"{live_server.url}/district/recoveries")
    recovery_row = page.locator("#results tbody tr").filter(has_text=FAILED)
    expect(recovery_row).to_have_count(1)
    expect(recovery_row).to_contain_text("2500")
    expect(recovery_row).to_contain_text("待追回")
    recovery_row.get_by_role("link", name=FAILED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"追回单：{FAILED}")
    by_label(page, "还款金额（元）").fill("2500")
    expect(by_label(page, "还款日期")).to_have_value(today().isoformat())
    by_label(page, "缴款凭证号").fill("JK-2026-0001")
    page.get_by_role("button", name="登记还款", exact=True).click()
    expect(flash(page, "还款已登记")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("已追回")
    page.goto(f"{live_server.url}/district/recoveries?state=settled")
    settled = page.locator("#results tbody tr").filter(has_text=FAILED)
    expect(settled).to_contain_text("已追回")

    # --- 6. The enterprise's 补贴明细 ends with the same figures --------------------------
    as_user(page, live_server, world["enterprise"])
    page.goto(f"{live_server.url}/enterprise/programmes/{programme_id}/subsidy")
    for name, entitlement, remainder in ((CERTIFIED, "5000", "2500"), (PLAIN, "4250", "1750"),
                                         (FAILED, "0", "-2500")):
        account = subsidy_row(page, name)
        expect(account.locator("td.entitlement")).to_have_text(entitlement)
        expect(account.locator("td.remainder")).to_contain_text(remainder)
    expect(page.locator("#total-entitlement")).to_have_text("9250 元")

    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT_S, f"the path took {elapsed:.1f} s"


def test_AP_3_urgent_outside_scope_advanced_passed_on_the_claim_page(live_server, page):
    """AP-$3, AP-$4: urgent occupation outside the assessment scope, 高级, passed →
    entitlement 16,000, remainder 8,000 on the final claim's page."""
    world = _urgent_advanced_passed(live_server)
    login(page, live_server, world["enterprise"], PASSWORD)
    page.goto(f"{live_server.url}/enterprise/programmes/{world['programme_id']}/subsidy")
    account = subsidy_row(page, world["name"])
    expect(account.locator("td.entitlement")).to_have_text("16000")
    expect(account.locator("td.remainder")).to_have_text("8000")
    new_claim(page, live_server, world["programme_id"], "新建剩余补贴申请")
    line = line_of(page, world["name"])
    assert amounts(line) == ["16,000", "8,000", "8,000"]
    expect(line).to_contain_text("考核合格")
    expect(page.locator("#claim-payable")).to_have_text("8,000")
    expect(page.locator("#certificate-warning")).to_have_count(0)
    no_serious_violations(page, "the urgent 高级 final claim page")
