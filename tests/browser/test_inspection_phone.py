"""AP-V1 on a 375 px phone, on site: the district draws today's sample with a seed, opens a
sampled programme, records an on-site spot check with a photo from the camera picker, and
the sample then shows it 已检查; the enterprise reads the findings and sees the photo. The
pages fit the screen and pass axe."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import today
from portal.extensions import db
from tests.browser.conftest import axe_check, by_label, describe, login, serious
from tests.factories import PASSWORD, PNG_BYTES
from tests.supervision.inspections.inspection_helpers import (
    active_programme,
    district_staff,
    parties,
)

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore::ResourceWarning")]


def _world(live_server) -> dict:
    with live_server.app.app_context():
        programmes = [active_programme(start_date=today() - timedelta(days=40))
                      for _ in range(3)]
        enterprise, _ = parties(programmes[0])
        for p in programmes[1:]:
            p.enterprise_id = programmes[0].enterprise_id
        db.session.commit()
        world = {"district": district_staff().username, "enterprise": enterprise.username}
        db.session.remove()
    return world


def _fits_and_passes_axe(phone) -> None:
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    problems = serious(axe_check(phone))
    assert not problems, describe(problems)


def test_AP_V1_spot_check_with_photo_on_a_phone(live_server, phone):
    world = _world(live_server)
    login(phone, live_server, world["district"], PASSWORD)
    phone.goto(f"{live_server.url}/district/inspection-samples")
    by_label(phone, "抽查数量（个项目）").fill("2")
    by_label(phone, "随机种子").fill("8675309")
    _fits_and_passes_axe(phone)
    phone.get_by_role("button", name="抽取", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("抽查样本 #")
    expect(phone.get_by_text("8675309")).to_be_visible()
    expect(phone.get_by_text("待检查")).to_have_count(2)
    _fits_and_passes_axe(phone)

    phone.get_by_role("link", name=re.compile("^记录检查")).first.click()
    phone.get_by_label("现场抽查").check()
    by_label(phone, "检查方法").fill("现场查看实训场地")
    by_label(phone, "检查结论").select_option(label="发现问题")
    by_label(phone, "检查发现").fill("实训记录未由导师签字")
    photos = phone.locator('input[type="file"][capture="environment"]')
    photos.set_input_files([{"name": "现场.png", "mimeType": "image/png", "buffer": PNG_BYTES}])
    _fits_and_passes_axe(phone)
    phone.get_by_role("button", name="保存并通知企业和培训机构").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("现场抽查")
    expect(phone.get_by_role("img", name=re.compile("现场照片 1"))).to_be_visible()
    _fits_and_passes_axe(phone)
    phone.get_by_role("link", name=re.compile("^样本 #")).click()
    expect(phone.get_by_text("已检查")).to_have_count(1)
    expect(phone.get_by_text("待检查")).to_have_count(1)

    phone.get_by_role("button", name="退出", exact=True).click()
    login(phone, live_server, world["enterprise"], PASSWORD)
    phone.goto(f"{live_server.url}/enterprise/inspections")
    phone.get_by_role("link", name=today().isoformat()).click()
    expect(phone.get_by_text("实训记录未由导师签字", exact=True)).to_be_visible()
    expect(phone.get_by_role("img", name=re.compile("现场照片 1"))).to_be_visible()
    _fits_and_passes_axe(phone)
