"""The programme path end to end in headless Chromium (C-DIST, AP-W1, AP-C1, AP-C4).

A new enterprise registers (licence upload) and submits itself; the district approves it
inline in its queue and the centre confirms it; the enterprise applies for a programme
(occupation → start date → the institutions refreshed by htmx, the live AP-C1/AP-C4 panel,
the cooperation agreement upload); the institution confirms its part; the enterprise
submits; the district and the centre approve it inline; the enterprise sees it approved.
The same walk runs once on a desktop and once on a 375×667 touch phone. Everything goes
through the pages, as the users would: no record is written directly.
"""

import re
import secrets
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Locator, Page, expect
from stdnum.cn import uscc

from portal import clock
from portal.demo_data import DEMO_PASSWORD
from tests.browser.conftest import axe_check, by_label, describe, login, serious

PASSWORD = "Qiye-pass-2026"
OCCUPATION = "6-18-01-01 车工"  # licensed to the demo institution `jigou`
INSTITUTION = "北京市城建技师学院（演示数据）"
SAME_DOCUMENT = "() => { window.__sameDocument = 'kept'; }"
# GB 32100 alphabet without the letters a code never holds (I, O, Z, S, V).
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TIME_LIMIT_S = 60


def fresh_credit_code() -> str:
    """A valid unified social credit code (C-ID2) of 朝阳区, new on every run."""
    body = "91110105" + "MA" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))
    return body + uscc.calc_check_digit(body)


def tiny_png() -> bytes:
    """A real 1×1 PNG (uploads are checked by content, not by name)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def tiny_pdf() -> bytes:
    """A small one-page PDF (recognised by its %PDF header)."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def press(page: Page, target: Locator) -> None:
    """Tap on the touch phone, click on the desktop."""
    if page.viewport_size["width"] < 576:
        target.tap()
    else:
        target.click()


def follow(page: Page, link: Locator) -> None:
    """Open a link and wait until the new page has loaded: htmx binds its triggers then, so
    a field filled earlier would never be checked and a 通过 would be a plain POST."""
    target = urljoin(page.url, link.get_attribute("href"))
    press(page, link)
    page.wait_for_url(lambda url: url == target, wait_until="load")


def logout(page: Page) -> None:
    press(page, page.get_by_role("button", name="退出", exact=True))
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()


def nav(page: Page, label: str) -> None:
    main_nav = page.get_by_role("navigation", name="主导航")
    follow(page, main_nav.get_by_role("link", name=label, exact=True))
    expect(main_nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
        "aria-current", "page")


def still_same_document(page: Page) -> bool:
    return page.evaluate("() => window.__sameDocument") == "kept"


def flash(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def fits_width(page: Page) -> None:
    width = page.viewport_size["width"]
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways: {scroll} px > {width} px"


def approve_inline(page: Page, row: Locator, name: str, before: str, after: str) -> None:
    """The queue's 通过 button: the row and the counters change in place, no reload."""
    if page.viewport_size["width"] < 576:
        # A wide queue must scroll inside its table, never the whole page: a phone that
        # zooms the page out to fit lands a tap on the wrong row's controls.
        fits_width(page)
    page.evaluate(SAME_DOCUMENT)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(before)
    waiting = page.locator("#queue-counts a").filter(has_text=before).locator("strong")
    count_before = int(waiting.inner_text())
    press(page, row.get_by_role("button", name="通过", exact=True))
    expect(flash(page, f"已通过：{name}")).to_be_visible()
    expect(row).to_contain_text(after)
    expect(row).to_contain_text("已处理")
    expect(row.get_by_role("button", name="通过", exact=True)).to_have_count(0)
    expect(waiting).to_have_text(str(count_before - 1))  # refreshed by the queue's event
    assert still_same_document(page), "the inline approval reloaded the page"


@contextmanager
def refreshes_institutions(page: Page) -> Iterator[None]:
    """The action inside makes htmx replace the institution choices (AP-I2, AP-I4): wait
    for the answer and for the swap, so that a choice made next is not swapped away."""
    page.locator("#institution-field").evaluate("el => { el.dataset.stale = 'yes'; }")
    with page.expect_response(re.compile(r"/enterprise/programmes/institution-options\?")):
        yield
    expect(page.locator("#institution-field:not([data-stale])")).to_have_count(1)


@pytest.mark.demo_data
@pytest.mark.parametrize("device", ["page", "phone"])
def test_AP_W1_programme_path_registration_to_centre_approval(device, request, live_server):
    page: Page = request.getfixturevalue(device)
    on_phone = device == "phone"
    started = time.monotonic()
    suffix = secrets.token_hex(3)
    name = f"北京路径测试机械有限公司{suffix}"
    username = f"lujing{suffix}"
    start_date = (clock.today() + timedelta(days=60)).isoformat()

    # --- 1. The enterprise registers and submits itself for district review ----------------
    page.goto(f"{live_server.url}/login")
    follow(page, page.get_by_role("link", name="企业注册", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("企业注册")
    if on_phone:
        fits_width(page)
    by_label(page, "单位名称").fill(name)
    code = by_label(page, "统一社会信用代码")
    with page.expect_response(re.compile(r"/register/enterprise/check/credit_code$")):
        code.fill(fresh_credit_code())
    expect(page.locator("#credit_code-error")).to_be_empty()
    by_label(page, "所在区").select_option(label="朝阳区")
    by_label(page, "注册地址").fill("北京市朝阳区路径测试路8号")
    by_label(page, "企业规模").select_option(label="中型")
    by_label(page, "本企业已建立职工培训制度和技能人才激励机制").check()  # AP-N1
    by_label(page, "营业执照").set_input_files(
        {"name": "营业执照.png", "mimeType": "image/png", "buffer": tiny_png()})
    by_label(page, "联系人").fill("周六")
    by_label(page, "联系人手机号").fill("13712345678")
    by_label(page, "登录用户名").fill(username)
    by_label(page, "登录密码").fill(PASSWORD)
    by_label(page, "确认密码").fill(PASSWORD)
    press(page, page.get_by_role("button", name="注册", exact=True))

    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    org_status = page.get_by_role("heading", level=2).filter(has_text="单位信息")
    expect(org_status).to_contain_text("草稿")
    press(page, page.get_by_role("button", name="提交所在区审核", exact=True))
    expect(flash(page, "已提交所在区人社局审核")).to_be_visible()
    expect(org_status).to_contain_text("待区级审核")
    logout(page)

    # --- 2. 朝阳区 approves it inline; 3. the centre confirms it inline -----------------------
    for reviewer, queue, before, after in (("chaoyang", "单位审核", "待区级审核", "待市级复核"),
                                           ("center", "单位复核", "待市级复核", "已通过")):
        login(page, live_server, reviewer, DEMO_PASSWORD)
        nav(page, queue)
        expect(page.get_by_role("heading", level=1)).to_have_text(queue)
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
        approve_inline(page, row, name, before, after)
        logout(page)

    # --- 4. The enterprise applies for a programme ------------------------------------------
    login(page, live_server, username, PASSWORD)
    expect(page.get_by_text("单位资格已经市级确认，可以办理业务。")).to_be_visible()
    nav(page, "培训项目")
    expect(page.get_by_role("heading", level=1)).to_have_text("培训项目")
    follow(page, page.get_by_role("button", name="申请新的培训项目", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("申请培训项目")
    form_url = page.url
    page.evaluate(SAME_DOCUMENT)

    occupation = by_label(page, "培训职业（工种）")
    occupation_value = occupation.locator("option", has_text=OCCUPATION).get_attribute("value")
    assert occupation_value, f"{OCCUPATION} is not offered"
    with refreshes_institutions(page):
        occupation.select_option(occupation_value)
    by_label(page, "培训等级").select_option(label="中级")
    with refreshes_institutions(page):
        by_label(page, "开班日期").fill(start_date)
    institution = by_label(page, "合作培训机构")
    expect(institution.locator("option", has_text=INSTITUTION)).to_have_count(1)
    institution.select_option(label=INSTITUTION)
    by_label(page, "计划培训人数").fill("20")
    by_label(page, "培养期限（月）").fill("12")

    # Skewed hours first: the live panel warns (AP-C1) and shows the missing credits (AP-C4).
    plan = page.locator("#plan-check")
    hours = {"通用素质课时": "100", "专业理论课时": "100", "技能实训课时": "100",
             "集中培训课时": "160", "岗位训练课时": "100"}
    for label, value in hours.items():
        by_label(page, label).fill(value)
    expect(plan).to_contain_text("33% : 33% : 33%")
    expect(plan.locator(".warning")).to_contain_text("通用素质、专业理论、技能实训学时原则上按")
    expect(plan).to_contain_text("计划学分：26.0 / 40")
    expect(plan.locator(".field-error")).to_contain_text("中级工须修满")
    if on_phone:
        fits_width(page)
        found = serious(axe_check(page))
        assert not found, f"the programme application form (phone):\n{describe(found)}"

    # Then the plan as it should be: 1:3:6 and 160 + 240 hours = 40 credits.
    for label, value in {"通用素质课时": "40", "专业理论课时": "120", "技能实训课时": "240",
                         "岗位训练课时": "240"}.items():
        by_label(page, label).fill(value)
    expect(plan).to_contain_text("10% : 30% : 60%")
    expect(plan).to_contain_text("计划学分：40.0 / 40")
    expect(plan.locator(".warning")).to_have_count(0)
    expect(plan.locator(".field-error")).to_have_count(0)
    assert still_same_document(page), "the live panel reloaded the page"
    expect(page).to_have_url(form_url)

    by_label(page, "集中面授").check()
    by_label(page, "岗位指导").check()
    by_label(page, "选用教材（每行一种，提交时向区里备案）").fill("车工工艺学\n车工技能训练")
    by_label(page, "企业新型学徒培训合作协议（PDF或图片）").set_input_files(
        {"name": "合作协议.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()})
    press(page, page.get_by_role("button", name="保存草稿", exact=True))

    expect(flash(page, "项目已保存为草稿")).to_be_visible()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("车工 · 中级")
    expect(heading).to_contain_text("草稿")
    programme_url = page.url
    assert re.search(r"/enterprise/programmes/\d+$", programme_url), programme_url
    programme_id = int(programme_url.rsplit("/", 1)[1])
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(INSTITUTION)
    expect(facts).to_contain_text("待机构确认")
    expect(facts).to_contain_text("集中面授、岗位指导")
    expect(facts).to_contain_text("= 40.0 学分（要求 40）")
    expect(facts.get_by_role("link", name="合作协议.pdf")).to_be_visible()
    expect(page.get_by_role("button", name="提交区人社局审核")).to_have_count(0)
    if on_phone:
        fits_width(page)
    logout(page)

    # --- 5. The institution confirms its part ----------------------------------------------
    login(page, live_server, "jigou", DEMO_PASSWORD)
    nav(page, "合作项目")
    own = page.locator(f"#programme-{programme_id}")
    expect(own).to_contain_text(name)
    expect(own).to_contain_text("待机构确认")
    follow(page, own.get_by_role("link", name=name, exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("车工 · 中级")
    press(page, page.get_by_role("button", name="确认本机构承担的培训内容", exact=True))
    expect(flash(page, "已确认本机构承担的培训内容")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("机构已确认")
    expect(page.get_by_role("button", name="确认本机构承担的培训内容")).to_have_count(0)
    logout(page)

    # --- 6. The enterprise submits it -------------------------------------------------------
    login(page, live_server, username, PASSWORD)
    nav(page, "培训项目")
    follow(page, page.locator(f"#programme-{programme_id}").get_by_role("link", name=name))
    expect(page).to_have_url(programme_url)
    press(page, page.get_by_role("button", name="提交区人社局审核", exact=True))
    expect(flash(page, "已提交所在区人社局审核")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("待区级审核")
    expect(page.get_by_role("button", name="提交区人社局审核")).to_have_count(0)
    logout(page)

    # --- 7. 朝阳区 and then the centre approve it inline --------------------------------------
    for reviewer, queue, title, before, after in (
        ("chaoyang", "项目审核", "培训项目审核", "待区级审核", "待市级复核"),
        ("center", "项目复核", "培训项目复核（全市）", "待市级复核", "已通过"),
    ):
        login(page, live_server, reviewer, DEMO_PASSWORD)
        nav(page, queue)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        approve_inline(page, page.locator(f"#programme-{programme_id}"), name, before, after)
        logout(page)

    # The enterprise sees its programme approved, with the training pages now open to it.
    login(page, live_server, username, PASSWORD)
    nav(page, "培训项目")
    expect(page.locator(f"#programme-{programme_id}")).to_contain_text("已通过")
    follow(page, page.locator(f"#programme-{programme_id}").get_by_role("link", name=name))
    expect(page.get_by_role("heading", level=1)).to_contain_text("已通过")
    expect(page.get_by_role("button", name="学徒名单与报名", exact=True)).to_be_visible()
    if on_phone:
        fits_width(page)

    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT_S, f"the path took {elapsed:.1f} s on {device}"
