"""The enrolment-to-check-in path end to end in headless Chromium (AP-W2 → AP-P4).

The enterprise registers an apprentice (with the live C-ID1 check), records the training
agreement (AP-A1), gives it an enterprise mentor and submits it; the institution assigns a
teacher (AP-M1); the district approves it inline; the enterprise issues the initial
password; the institution opens a class session; the trainee's phone (375×667) opens the
QR's URL, logs in, sets its own password, taps 签到 and the teacher's screen shows it.
Everything goes through the pages, as the users would: no record is written directly.
"""

import re
import time

import pytest
from playwright.sync_api import Locator, Page, expect
from stdnum.cn import ric

from portal.demo_data import DEMO_PASSWORD
from tests.browser.conftest import axe_check, by_label, describe, login, serious

PROGRAMME_CODE = "6-18-01-01"  # the demo enterprise's approved programme (车工, 中级)
APPRENTICE = "王晓明"
MOBILE = "13987650321"
ID_BODY = "110105" + "20000315" + "042"
RESIDENT_ID = ID_BODY + ric.calc_check_digit(ID_BODY + "0")  # as tests/enrolment_factories
WRONG_CHECK = next(c for c in "0123456789X" if c != RESIDENT_ID[-1])
INVALID_ID = ID_BODY + WRONG_CHECK  # a well-formed number whose check character is wrong
MENTOR = "赵建国"
TEACHER = "钱晓红"
CLASS_TITLE = "车工工艺学 第1讲"
NEW_PASSWORD = "Xuetu-pass-2026"
TAPS_AFTER_PASSWORD_LIMIT = 3
ATTENDEES_POLL_MS = 3_000  # attendance/session.html: hx-trigger="every 3s"
SAME_DOCUMENT = "() => { window.__sameDocument = 'kept'; }"


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()


def still_same_document(page: Page) -> bool:
    return page.evaluate("() => window.__sameDocument") == "kept"


def error_of(page: Page, field: Locator) -> Locator:
    """The error element a field names in its aria-describedby."""
    ids = (field.get_attribute("aria-describedby") or "").split()
    error_ids = [i for i in ids if i.endswith("-error")]
    assert error_ids, f"field has no error element in aria-describedby: {ids}"
    return page.locator(f"[id='{error_ids[0]}']")


def no_serious_violations(page: Page, where: str) -> None:
    found = serious(axe_check(page))
    assert not found, f"{where}:\n{describe(found)}"


def open_programme(page: Page, nav: str) -> None:
    """From the main navigation to the demo programme's page."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=nav, exact=True).click()
    row = page.locator("tbody tr").filter(has_text=PROGRAMME_CODE)
    expect(row).to_have_count(1)
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("车工 · 中级")


def create_mentor(page: Page, nav: str, kind: str, name: str, capability: str,
                  years_label: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=nav, exact=True).click()
    page.get_by_role("button", name=f"新增{kind}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"新增{kind}")
    by_label(page, "姓名").fill(name)
    by_label(page, capability).check()
    by_label(page, years_label).fill("5")
    page.get_by_label(re.compile(r"^\s*本单位承诺：该导师身心健康")).check()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status").filter(has_text=f"已保存{kind}：{name}")).to_be_visible()
    expect(page.locator("#results")).to_contain_text(name)


def assign_on_mentors_page(page: Page, kind: str, name: str, column: int) -> None:
    """On the programme's 双导师配备 page: pick `name` in the apprentice's row, inline."""
    page.get_by_role("button", name="双导师配备", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("双导师配备")
    page.evaluate(SAME_DOCUMENT)
    row = page.locator("#roster tbody tr").filter(has_text=APPRENTICE)
    expect(row).to_have_count(1)
    row.get_by_label(f"为{APPRENTICE}指派{kind}").select_option(label=name)
    row.get_by_role("button", name="指派", exact=True).click()
    expect(page.locator("#toast")).to_contain_text(f"已为1名学徒指派{kind}：{name}")
    expect(row.locator("td").nth(column)).to_have_text(name)
    assert still_same_document(page), "the inline assignment reloaded the page"


@pytest.mark.demo_data
def test_AP_W2_to_AP_P4_enrolment_to_phone_check_in(live_server, page, phone):
    started = time.monotonic()

    # --- 1. The enterprise registers the apprentice (desktop) -----------------------------
    login(page, live_server, "qiye", DEMO_PASSWORD)
    open_programme(page, "培训项目")
    page.get_by_role("button", name="学徒名单与报名", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("学徒名单")
    page.get_by_role("button", name="学徒报名", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("学徒报名")
    form_url = page.url
    page.evaluate(SAME_DOCUMENT)

    # C-ID1 is checked as the number is typed, under the field, without a reload.
    resident_id = by_label(page, "居民身份证号码")
    id_error = error_of(page, resident_id)
    expect(id_error).to_be_empty()
    with page.expect_response(re.compile(r"/apprentices/check/resident_id$")):
        resident_id.fill(INVALID_ID)
    expect(id_error).to_contain_text("C-ID1")
    expect(resident_id).to_have_attribute("aria-invalid", "true")
    with page.expect_response(re.compile(r"/apprentices/check/resident_id$")):
        resident_id.fill(RESIDENT_ID)
    expect(id_error).to_be_empty()
    expect(resident_id).not_to_have_attribute("aria-invalid", "true")
    assert still_same_document(page), "the live check reloaded the page"
    expect(page).to_have_url(form_url)

    by_label(page, "姓名").fill(APPRENTICE)
    by_label(page, "手机号码").fill(MOBILE)
    by_label(page, "劳动合同起始日期").fill("2026-03-01")
    by_label(page, "劳动合同终止日期").fill("2029-02-28")  # three years (AP-E1)
    by_label(page, "在本市缴纳社会保险").check()  # AP-E2
    by_label(page, "招用类型").select_option(label="新招用")  # AP-E3
    by_label(page, "培训期间月工资（元）").fill("6000")  # above the minimum wage (AP-E6)
    page.get_by_role("button", name="保存为草稿", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="已保存为草稿")).to_be_visible()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(APPRENTICE)
    expect(heading).to_contain_text("草稿")
    enrolment_url = page.url
    assert re.search(r"/enterprise/enrolments/\d+$", enrolment_url), enrolment_url
    enrolment_id = int(enrolment_url.rsplit("/", 1)[1])

    # AP-A1: the apprentice's own training agreement.
    by_label(page, "协议签订日期").fill("2026-02-20")
    page.get_by_role("button", name="登记个人培训协议", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="已登记培训协议")).to_be_visible()
    expect(page.locator("dl.facts").filter(has_text="培训协议")).to_contain_text(
        "个人协议，签订于 2026-02-20")

    # The roster lists the apprentice (masked, C-PII) with the agreement: checked by axe too.
    page.get_by_role("link", name="返回本项目学徒名单").click()
    roster_row = page.locator(f"#enrolment-{enrolment_id}")
    expect(roster_row).to_contain_text(APPRENTICE)
    expect(roster_row).to_contain_text("已登记")
    expect(roster_row).not_to_contain_text(RESIDENT_ID)
    no_serious_violations(page, "the enterprise's roster (desktop)")

    # AP-M1 (enterprise side): a new 企业导师, assigned on the programme's mentors page.
    create_mentor(page, "企业导师", "企业导师", MENTOR, "具备实践操作指导能力（必备）",
                  "从事岗位相关实践工作年限")
    open_programme(page, "培训项目")
    assign_on_mentors_page(page, "企业导师", MENTOR, column=2)

    # Submit to the district.
    page.goto(enrolment_url)
    page.get_by_role("button", name="提交区人社局审核", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="已提交所在区人社局审核")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("待区级审核")
    logout(page)

    # --- 2. The institution assigns a teacher ---------------------------------------------
    login(page, live_server, "jigou", DEMO_PASSWORD)
    create_mentor(page, "培训机构教师", "培训机构教师", TEACHER, "具有课程开发和教学经验（必备）",
                  "从事教学工作年限")
    open_programme(page, "合作项目")
    assign_on_mentors_page(page, "培训机构教师", TEACHER, column=3)
    mentored = page.locator("#roster tbody tr").filter(has_text=APPRENTICE)
    expect(mentored.locator("td").nth(2)).to_have_text(MENTOR)  # both mentors now (AP-M1)
    expect(mentored).not_to_contain_text("未配齐双导师")
    logout(page)

    # --- 3. The district approves inline in its queue -------------------------------------
    login(page, live_server, "chaoyang", DEMO_PASSWORD)
    page.get_by_role("link", name="学徒审核", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("学徒报名审核")
    # The demo's queue holds some thirty registrations: the reviewer's search by name (as a
    # link, so that no pending search request races the inline decision below).
    page.goto(f"{page.url.split('?')[0]}?status=submitted&q={APPRENTICE}")
    page.evaluate(SAME_DOCUMENT)
    row = page.locator(f"#enrolment-{enrolment_id}")
    expect(row).to_contain_text(APPRENTICE)
    expect(row).to_contain_text("待区级审核")
    with page.expect_response(re.compile(rf"/district/enrolments/{enrolment_id}/review$")):
        row.get_by_role("button", name="通过", exact=True).click()
    expect(row).to_contain_text("在训")
    expect(row).to_contain_text("学籍建立")
    expect(row).to_contain_text("已处理")
    expect(row.get_by_role("button", name="通过", exact=True)).to_have_count(0)
    expect(page.locator("#toast")).to_contain_text(f"已通过：{APPRENTICE}，学籍已建立")
    assert still_same_document(page), "the inline approval reloaded the page"
    logout(page)

    # --- 4. The enterprise issues the trainee's initial password --------------------------
    login(page, live_server, "qiye", DEMO_PASSWORD)
    page.goto(enrolment_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("在训")
    page.get_by_role("button", name="生成/重置初始密码", exact=True).click()
    issued = page.locator("#trainee-password")
    expect(issued).to_contain_text("密码只显示这一次")
    username = issued.locator("strong").first.inner_text().strip()
    initial_password = issued.locator("strong.secret").inner_text().strip()
    assert username == MOBILE, "the trainee logs in with the mobile number"
    assert len(initial_password) >= 8, initial_password
    logout(page)

    # --- 5. The institution opens a class session and shows the code ----------------------
    login(page, live_server, "jigou", DEMO_PASSWORD)
    open_programme(page, "合作项目")
    page.get_by_role("button", name="开设课堂", exact=True).click()
    expect(by_label(page, "培训项目")).to_have_value(re.compile(r"^\d+$"))
    by_label(page, "课堂名称").fill(CLASS_TITLE)
    page.get_by_role("button", name="开设并显示签到二维码", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CLASS_TITLE)
    code = page.locator("img.qr-code")
    expect(code).to_be_visible()
    checkin_url = code.get_attribute("data-checkin-url")
    assert checkin_url and checkin_url.startswith(f"{live_server.url}/m/checkin/"), checkin_url
    attendees = page.locator("#attendees")
    # The demo programme already trains the demo trainee (xueyuan) besides the new apprentice.
    expect(attendees).to_contain_text("已签到 0 / 应到 2")
    expect(attendees).not_to_contain_text(APPRENTICE)
    page.evaluate(SAME_DOCUMENT)  # the list must update by polling, not by a reload

    # --- 6. The trainee's phone: scan, log in, set a password, tap 签到 --------------------
    phone.goto(checkin_url)
    expect(phone).to_have_url(re.compile(r"/login\?next=(/|%2F)m(/|%2F)checkin(/|%2F)"))
    by_label(phone, "用户名").fill(username)
    by_label(phone, "密码").fill(initial_password)
    taps = 0
    phone.get_by_role("button", name="登录", exact=True).tap()
    taps += 1

    # First login: the trainee must set an own password, then comes back to the code.
    expect(phone.get_by_role("heading", name="设置密码", exact=True)).to_be_visible()
    expect(phone.get_by_text("首次登录请先设置您自己的密码。")).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    by_label(phone, "新密码").fill(NEW_PASSWORD)
    by_label(phone, "确认新密码").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="保存", exact=True).tap()
    taps += 1
    password_set_at = taps

    button = phone.get_by_role("button", name="签到", exact=True)
    expect(button).to_be_visible()
    expect(phone).to_have_url(checkin_url)
    expect(phone.get_by_role("heading", name=CLASS_TITLE, exact=True)).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    no_serious_violations(phone, "the check-in page (phone)")

    button.tap()
    taps += 1
    expect(phone.get_by_text("已签到", exact=True)).to_be_visible()
    expect(phone.locator(".checked-in")).to_contain_text("签到时间")
    assert taps - password_set_at <= TAPS_AFTER_PASSWORD_LIMIT, taps
    assert taps == 3, "scan → 登录 → 保存 (the new password) → 签到"
    no_serious_violations(phone, "the checked-in page (phone)")

    # The teacher's open screen lists the trainee by itself, within the polling interval.
    expect(attendees).to_contain_text(APPRENTICE, timeout=ATTENDEES_POLL_MS + 3_000)
    expect(attendees).to_contain_text("已签到 1 / 应到 2")
    assert still_same_document(page), "the teacher's screen reloaded instead of polling"

    elapsed = time.monotonic() - started
    assert elapsed < 60, f"the path took {elapsed:.1f} s"
