"""The first browser tests: live validation on a phone, the two-step organisation review,
accessibility (axe) and the vendored htmx on a closed network."""

import re
import struct
import zlib
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from portal.demo_data import DEMO_PASSWORD
from portal.extensions import db
from portal.models import OrgKind
from portal.orgs import services as organisations
from tests.browser.conftest import (
    DESKTOP,
    _watched_page,
    axe_check,
    by_label,
    describe,
    login,
    serious,
)

INVALID_CODE = "91110105MA01DK8E72"  # check character wrong (C-ID2)
VALID_CODE = "91110105MA01DK8E71"
OTHER_VALID_CODE = "91110105MA02XY3Q5N"  # the demo enterprise already holds VALID_CODE
PASSWORD = "Good-pass-1"


def tiny_png() -> bytes:
    """A real 1×1 PNG (uploads are checked by content, not by name)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def error_of(page: Page, field: Locator) -> Locator:
    """The error element a field names in its aria-describedby (errors tied to fields)."""
    ids = (field.get_attribute("aria-describedby") or "").split()
    error_ids = [i for i in ids if i.endswith("-error")]
    assert error_ids, f"field has no error element in aria-describedby: {ids}"
    return page.locator(f"[id='{error_ids[0]}']")


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()


def test_C_ID2_registration_credit_code_validates_as_user_types_on_phone(phone, live_server):
    phone.goto(f"{live_server.url}/register/enterprise")
    phone.evaluate("() => { window.__sameDocument = 'kept'; }")

    code = by_label(phone, "统一社会信用代码")
    error = error_of(phone, code)
    expect(error).to_be_empty()
    expect(code).not_to_have_attribute("aria-invalid", "true")
    code.tap()
    with phone.expect_response(re.compile(r"/register/enterprise/check/credit_code$")):
        code.press_sequentially(INVALID_CODE)
    expect(error).to_contain_text("C-ID2")
    expect(code).to_have_attribute("aria-invalid", "true")

    code.press("Backspace")
    code.press_sequentially(VALID_CODE[-1])
    expect(error).not_to_contain_text("C-ID2")
    expect(error).to_be_empty()
    expect(code).not_to_have_attribute("aria-invalid", "true")
    assert phone.evaluate("() => window.__sameDocument") == "kept", "the page reloaded"
    expect(phone).to_have_url(f"{live_server.url}/register/enterprise")
    # Usable at 375 px: the form fits without sideways scrolling.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375

    by_label(phone, "单位名称").fill("北京浏览器测试机械有限公司")
    by_label(phone, "所在区").select_option(label="朝阳区")
    by_label(phone, "注册地址").fill("北京市朝阳区测试路1号")
    by_label(phone, "企业规模").select_option(label="小型")
    by_label(phone, "本企业已建立职工培训制度和技能人才激励机制").check()  # AP-N1
    by_label(phone, "营业执照").set_input_files(
        {"name": "营业执照.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    by_label(phone, "联系人").fill("李四")
    by_label(phone, "联系人手机号").fill("13912345678")
    by_label(phone, "登录用户名").fill("liulanqi01")
    by_label(phone, "登录密码").fill(PASSWORD)
    by_label(phone, "确认密码").fill(PASSWORD)
    phone.get_by_role("button", name="注册", exact=True).tap()

    expect(phone).to_have_url(re.compile(r"/enterprise/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("北京浏览器测试机械有限公司")
    status = phone.get_by_role("heading", level=2).filter(has_text="单位信息")
    expect(status).to_contain_text("草稿")

    phone.get_by_role("button", name="提交所在区审核", exact=True).tap()
    expect(phone.get_by_role("status").filter(has_text="已提交所在区人社局审核")).to_be_visible()
    expect(status).to_contain_text("待区级审核")
    expect(phone.get_by_role("button", name="提交所在区审核")).to_have_count(0)


def _submitted_enterprise(live_server, name: str, username: str) -> None:
    with live_server.app.app_context():
        org, user = organisations.register(
            OrgKind.ENTERPRISE,
            {
                "name": name, "credit_code": OTHER_VALID_CODE, "district_code": "110105",
                "address": "北京市朝阳区审核路2号", "size": "medium", "state_owned": False,
                "four_centres": False, "attests_training_system": True,
                "contact_name": "王五", "contact_phone": "13812345678",
            },
            username, PASSWORD,
        )
        organisations.submit(user, org)
        db.session.commit()
        db.session.remove()


def _open_queue(page: Page, nav: str) -> None:
    page.get_by_role("link", name=nav, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nav)


def _review_inline(page: Page, nav: str, name: str, state_before: str, state_after: str) -> None:
    """Approve from the queue's row with htmx: the row and the counters change in place."""
    _open_queue(page, nav)
    page.evaluate("() => { window.__sameDocument = 'kept'; }")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(row).to_contain_text(state_before)
    waiting = page.locator("#queue-counts a").filter(has_text=state_before).locator("strong")
    before = int(waiting.inner_text())
    row.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_role("status").filter(has_text=f"已通过：{name}")).to_be_visible()
    expect(row).to_contain_text(state_after)
    expect(row.get_by_role("button", name="通过", exact=True)).to_have_count(0)
    expect(waiting).to_have_text(str(before - 1))  # refreshed on organisationReviewed
    assert page.evaluate("() => window.__sameDocument") == "kept", "the page reloaded"


def _review_on_detail(page: Page, nav: str, name: str, state_before: str, state_after: str) -> None:
    """Approve from the detail page's three-button form (a plain POST)."""
    _open_queue(page, nav)
    page.get_by_role("link", name=name, exact=True).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(name)
    expect(heading).to_contain_text(state_before)
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_role("status").filter(has_text=f"已通过：{name}")).to_be_visible()
    expect(heading).to_contain_text(state_after)
    expect(page.get_by_role("button", name="通过", exact=True)).to_have_count(0)
    # Decided records leave the default "to do" list.
    _open_queue(page, nav)
    expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)


@pytest.mark.demo_data
def test_C_DIST_district_reviewer_approves_and_centre_confirms(page, live_server):
    name = "北京浏览器审核测试有限公司"
    _submitted_enterprise(live_server, name, "shenhe01")

    login(page, live_server, "chaoyang", DEMO_PASSWORD)
    _review_inline(page, "单位审核", name, "待区级审核", "待市级复核")
    logout(page)

    login(page, live_server, "center", DEMO_PASSWORD)
    _review_on_detail(page, "单位复核", name, "待市级复核", "已通过")
    logout(page)

    login(page, live_server, "shenhe01", PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    expect(page.get_by_role("heading", level=2).filter(has_text="单位信息")).to_contain_text("已通过")
    expect(page.get_by_text("单位资格已经市级确认，可以办理业务。")).to_be_visible()
    expect(page.get_by_role("button", name="提交所在区审核")).to_have_count(0)


@pytest.mark.demo_data
def test_pages_have_no_serious_accessibility_violations(page, phone, live_server):
    found: dict[str, list[dict]] = {}

    page.goto(f"{live_server.url}/login")
    found["/login (desktop)"] = serious(axe_check(page))

    phone.goto(f"{live_server.url}/register/enterprise")
    code = by_label(phone, "统一社会信用代码")
    code.fill(INVALID_CODE)
    expect(error_of(phone, code)).to_contain_text("C-ID2")  # the error state is checked too
    found["/register/enterprise (phone, with a live error)"] = serious(axe_check(phone))

    login(page, live_server, "chaoyang", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/district/organisations?status=all")
    expect(page.get_by_role("table")).to_be_visible()
    found["/district/organisations?status=all (desktop)"] = serious(axe_check(page))

    report = {where: describe(v) for where, v in found.items() if v}
    assert not report, "\n".join(f"{where}:\n{text}" for where, text in report.items())


def test_htmx_is_vendored_and_loaded_without_cdn(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/register/enterprise")

    src = page.locator("script[src*='htmx']").get_attribute("src")
    assert src is not None and src.startswith("/static/vendor/"), src
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert page.evaluate("() => htmx.version").startswith("2."), "htmx 2.x is vendored"
    assert page.evaluate("() => [htmx.config.allowEval, htmx.config.selfRequestsOnly]") == [
        False, True,
    ]

    # htmx actually talks to the server: a live check of one field.
    code = by_label(page, "统一社会信用代码")
    with page.expect_response(re.compile(r"/check/credit_code$")) as response:
        code.fill(INVALID_CODE)
    assert response.value.request.headers.get("hx-request") == "true"

    assert any(urlsplit(u).path == src for u in requested)
    outside = [u for u in requested if urlsplit(u).hostname != "127.0.0.1"]
    assert not outside, f"requests left 127.0.0.1: {outside}"


def test_harness_fails_a_page_that_breaks_the_csp_or_throws(browser, live_server):
    """The page fixtures' teardown check can fail: a blocked inline script and an uncaught
    exception are both reported (so a passing browser test means a clean console)."""
    watched = _watched_page(browser, DESKTOP)
    page = next(watched)
    try:
        page.goto(f"{live_server.url}/login")
        with pytest.raises(PlaywrightError, match="Content Security Policy"):
            page.add_script_tag(content="window.__inline = true")
        with page.expect_event("pageerror"):
            page.evaluate("() => { setTimeout(() => { throw new Error('harness-probe'); }); }")
        with pytest.raises(AssertionError) as failure:
            next(watched)
    finally:
        watched.close()
    assert "Content Security Policy" in str(failure.value)
    assert "harness-probe" in str(failure.value)
