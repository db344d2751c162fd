"""AP-P4 on real browsers: the teacher's screen shows the code, a phone scans it, logs in,
taps 签到 once, and the teacher's list shows the trainee without a reload."""

import re

import segno
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Apprentice, ReviewState
from tests.browser.conftest import axe_check, by_label, describe, login, serious
from tests.enrolment_factories import make_enrolment, programme_parties, trainee_of
from tests.factories import PASSWORD
from tests.programme_factories import make_programme

TAPS_AFTER_LOGIN_LIMIT = 3


def _world(live_server) -> dict:
    with live_server.app.app_context():
        programme = make_programme(state=ReviewState.APPROVED)
        _, teacher = programme_parties(programme)
        enrolment = make_enrolment(programme=programme)
        trainee = trainee_of(enrolment)
        world = {
            "programme_id": programme.id,
            "teacher": teacher.username,
            "trainee": trainee.username,
            "name": db.session.get(Apprentice, enrolment.apprentice_id).name,
        }
        db.session.remove()
    return world


def test_AP_P4_scan_login_tap_once_and_the_teacher_sees_it_live(live_server, page, phone):
    world = _world(live_server)

    # The teacher opens a session on the desktop and puts the code on the projector.
    login(page, live_server, world["teacher"], PASSWORD)
    page.goto(f"{live_server.url}/institution/sessions/new?programme_id={world['programme_id']}")
    by_label(page, "课堂名称").fill("钳工实训 第2讲")
    page.get_by_role("button", name="开设并显示签到二维码").click()
    expect(page.get_by_role("heading", name=re.compile("钳工实训 第2讲"))).to_be_visible()
    code = page.locator("img.qr-code")
    expect(code).to_be_visible()
    url = code.get_attribute("data-checkin-url")
    assert url.startswith(f"{live_server.url}/m/checkin/")
    # The picture is the QR code of exactly that URL, and the browser drew it.
    assert code.get_attribute("src") == segno.make(url, error="m").svg_data_uri(
        scale=1, border=4, omitsize=True, light="#fff")
    assert code.evaluate("img => img.complete && img.naturalWidth > 0")
    assert code.bounding_box()["width"] >= 300  # big enough for the back of the room
    expect(page.locator("#attendees")).to_contain_text("已签到 0 / 应到 1")
    problems = serious(axe_check(page))
    assert not problems, describe(problems)

    # The trainee's camera opens the URL: log in first, then straight back to the code.
    phone.goto(url)
    expect(phone).to_have_url(re.compile(r"/login\?next=(/|%2F)m(/|%2F)checkin(/|%2F)"))
    taps = 0
    by_label(phone, "用户名").fill(world["trainee"])
    by_label(phone, "密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录", exact=True).tap()
    taps += 1
    logged_in_at = taps
    button = phone.get_by_role("button", name="签到", exact=True)
    expect(button).to_be_visible()
    expect(phone.get_by_role("heading", name="钳工实训 第2讲")).to_be_visible()
    box = button.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # a thumb-sized target
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    problems = serious(axe_check(phone))
    assert not problems, describe(problems)

    button.tap()
    taps += 1
    expect(phone.get_by_text("已签到", exact=True)).to_be_visible()
    expect(phone.get_by_text("准时", exact=True)).to_be_visible()
    expect(phone.locator(".checked-in")).to_contain_text("签到时间")
    assert taps - logged_in_at <= TAPS_AFTER_LOGIN_LIMIT
    assert taps < 3  # from the scan to 已签到, login included
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375

    # The teacher's open page picks it up by itself within the 3-second poll.
    attendees = page.locator("#attendees")
    expect(attendees).to_contain_text(world["name"], timeout=6_000)
    expect(attendees).to_contain_text("已签到 1 / 应到 1")
    expect(attendees).to_contain_text("准时")

    # Scanning the same code again changes nothing and still says 已签到.
    phone.goto(url)
    expect(phone.get_by_text("已签到", exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name="签到", exact=True)).to_have_count(0)
