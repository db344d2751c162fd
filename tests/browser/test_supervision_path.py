"""The issue-14 supervision path end to end in headless Chromium (AP-V1, AP-V2, C-AUD).

Arranged in the live server's database: an approved programme with one established
apprentice and this year's fund. Then through the screens: the district records an on-site
spot check (问题严重), summons the enterprise about it, reports the refusal to correct to
the centre, suspends the programme with a rectification order; the enterprise's prepared
claim is refused with the AP-V2 message; the district lifts the suspension and the same
claim goes through.
"""

import re

from playwright.sync_api import Page, expect

from portal.clock import today
from portal.extensions import db
from portal.models import FundSource, Role
from portal.money import funds
from tests.browser.conftest import by_label, login
from tests.enrolment_factories import programme_parties
from tests.factories import PASSWORD, make_user
from tests.money_factories import approved_programme, established


def _world(live_server) -> dict:
    with live_server.app.app_context():
        programme = approved_programme(planned_count=10)
        established(programme)
        enterprise, _institution = programme_parties(programme)
        district = make_user(Role.DISTRICT, district=programme.district_code)
        centre = make_user(Role.CENTER)
        funds.set_available(centre, today().year, FundSource.SPECIAL_ACCOUNT, 100_000, "测试资金")
        db.session.commit()
        world = {"programme_id": programme.id, "enterprise": enterprise.username,
                 "district": district.username}
        db.session.remove()
    return world


def _as(page: Page, live_server, username: str) -> None:
    if page.get_by_role("button", name="退出", exact=True).count():
        page.get_by_role("button", name="退出", exact=True).click()
        expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
    login(page, live_server, username, PASSWORD)


def _status(page: Page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def _alert(page: Page, text: str):
    return page.get_by_role("alert").filter(has_text=text)


def test_spot_check_summons_suspension_stops_a_claim_and_lifting_restores_it(page, live_server):
    world = _world(live_server)
    pid, base = world["programme_id"], live_server.url

    # The enterprise prepares its first claim while the programme runs normally.
    _as(page, live_server, world["enterprise"])
    page.goto(f"{base}/enterprise/programmes/{pid}/claims")
    page.get_by_role("button", name="新建首次补贴申请", exact=True).click()
    expect(_status(page, "草稿，请核对名单和金额后提交")).to_be_visible()
    claim_url = page.url
    assert re.search(r"/enterprise/claims/\d+$", claim_url), claim_url

    # AP-V1: the district's on-site spot check finds serious problems.
    _as(page, live_server, world["district"])
    page.goto(f"{base}/district/programmes/{pid}/inspections/new")
    page.get_by_label("现场抽查").check()
    by_label(page, "检查方法").fill("现场查看实训、核对签到")
    by_label(page, "检查结论").select_option(label="问题严重")
    by_label(page, "检查发现").fill("学徒长期缺勤仍有签到记录")
    page.get_by_role("button", name="保存并通知企业和培训机构").click()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("记录检查")

    # AP-V2: the summons, linked to that inspection, then reported to the centre.
    page.goto(f"{base}/district/programmes/{pid}")
    page.get_by_role("button", name="登记约谈", exact=True).click()
    by_label(page, "参加约谈人员").fill("企业负责人张某、区人社局李某")
    by_label(page, "约谈事由").fill("现场检查发现签到异常")
    by_label(page, "约谈结果及整改要求").fill("限期10日整改")
    by_label(page, "关联检查记录（可选）").select_option(index=1)
    page.get_by_role("button", name="登记约谈并通知企业").click()
    expect(_status(page, "约谈记录已登记")).to_be_visible()
    expect(page.locator("#summons-state")).to_have_text("已约谈")
    by_label(page, "情况说明").fill("逾期未整改")
    page.get_by_role("button", name="拒不整改，报市级").click()
    expect(page.locator("#summons-state")).to_have_text("已上报市级")

    # Suspension with a rectification order (deadline proposed by the form).
    page.goto(f"{base}/district/programmes/{pid}")
    page.get_by_text("停训整改（规则 AP-V2）").click()
    by_label(page, "停训理由（必填）").fill("拒不整改")
    by_label(page, "整改要求（可选，默认同停训理由）").fill("核查全部签到记录并报送整改报告")
    page.get_by_role("button", name="决定停训整改").click()
    expect(_status(page, "已决定停训整改")).to_be_visible()
    expect(page.locator("#suspension-notice")).to_be_visible()
    expect(page.locator("#supervision-record")).to_contain_text("核查全部签到记录")

    # The enterprise's claim is refused, naming the rule.
    _as(page, live_server, world["enterprise"])
    page.goto(claim_url)
    page.get_by_role("button", name="提交区人社局审核", exact=True).click()
    expect(_alert(page, "（规则 AP-V2）")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("待区级审核")

    # The district lifts the suspension; the same claim goes through.
    _as(page, live_server, world["district"])
    page.goto(f"{base}/district/programmes/{pid}")
    by_label(page, "整改情况（可选）").fill("整改报告经复核通过")
    page.get_by_role("button", name="解除停训，恢复培训").click()
    expect(_status(page, "已解除停训")).to_be_visible()
    expect(page.locator("#supervision-record")).to_contain_text("解除停训")

    _as(page, live_server, world["enterprise"])
    page.goto(claim_url)
    page.get_by_role("button", name="提交区人社局审核", exact=True).click()
    expect(_status(page, "补贴申请已提交所在区人社局审核")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("待区级审核")
