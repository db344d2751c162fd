"""The high-skill training path (高技能人才研修培训, issue 13) end to end in headless Chromium.

Walked through the screens by the demo accounts, as people would:

1. the centre publishes a call for next year's second quarter (HS-W1);
2. the enterprise 精工 (no proposal next year yet, HS-H2) replies to it with the annex-1
   form, watches the live HS-P4 hours check turn from "below the guidance" to fine, adds a
   teacher (HS-P3) and submits (HS-W2);
3. the centre assigns the demo expert; the expert scores on the phone (HS-W3); the centre
   approves with a quota of 20;
4. the enterprise imports 20 trainees from an Excel file, previews, confirms and files the
   list and plan (HS-W4: the class starts in March, well over 7 days away; HS-W6: it ends in
   next year too).

A project filed today cannot be checked in, assessed or completed before its dates, so the
rest of the path uses the demo's projects: the institution opens a class session on its
running project and the trainee ``yanxiu`` types the 6-digit code on the phone; the
finished CNC class shows its assessment, its filed completion roster and certificates; a
certificate number is confirmed by the public /verify page; the funding screens show the
paid claim of 22 × 5,000 = 110,000 yuan (HS-$1).
"""

import re
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect
from stdnum.cn import ric

from portal.clock import today
from portal.demo_data import DEMO_PASSWORD
from portal.high_skill.rosters.importer import COLUMNS
from tests.browser.conftest import DESKTOP, _watched_page, axe_check, by_label, describe, login
from tests.browser.conftest import serious as serious_of

TIME_LIMIT_S = 110
CALL_TITLE_TAIL = "年第二季度高技能人才研修培训项目征集"
PROJECT = "五轴联动数控加工新技术高级研修班"
TEACHER = "周振华"
TRAINEES = 20
QUOTA = 20
RUNNING = "智能楼宇运维新技术研修班"  # the institution's demo project, in delivery
FINISHED = "精密数控加工新工艺高级研修班"  # 精工's demo project, completed and paid
SESSION_TITLE = "第5讲：楼宇自控系统调试实训"
ATTENDEES_POLL_MS = 3_000  # high_skill/delivery/session.html: hx-trigger="every 3s"


@pytest.fixture
def visitor(browser, live_server) -> Iterator[Page]:
    """A fresh, logged-out desktop context: someone checking a certificate's number."""
    yield from _watched_page(browser, DESKTOP)


# --- helpers -------------------------------------------------------------------------------


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出", exact=True).first.click()
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()


def as_user(page: Page, live_server, username: str) -> None:
    if page.get_by_role("button", name="退出", exact=True).count():
        logout(page)
    login(page, live_server, username, DEMO_PASSWORD)


def menu(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=label, exact=True).click()


def flash(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def no_serious_violations(page: Page, where: str) -> None:
    found = serious_of(axe_check(page))
    assert not found, f"{where}:\n{describe(found)}"


def resident_id(n: int) -> str:
    """A valid 18-digit number (C-ID1), born in the 1980s: no demo trainee has it."""
    body = "110108" + f"1986{1 + n % 12:02d}{10 + n:02d}" + f"{100 + n:03d}"
    return body + ric.calc_check_digit(body + "0")


def trainee_sheet(path: Path) -> Path:
    """The portal's import template's columns, 20 eligible 技师 (HS-E1, HS-E2)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
    for n in range(TRAINEES):
        sheet.append([f"{surnames[n]}研{n + 1}", resident_id(n), f"1391077{n:04d}",
                      "北京精工智造有限公司", "五轴加工中心操作岗", "技师", f"T2027{n:06d}",
                      "否", "", 36])
    book.save(path)
    return path


def hours(page: Page, **values: int) -> None:
    """Type the planned hours; wait for the live HS-P4 check's answer to each change."""
    for name, value in values.items():
        field = page.locator(f"#{name}")
        with page.expect_response(re.compile(r"/hs/proposals/check-hours$")):
            field.fill(str(value))


# --- the walk ------------------------------------------------------------------------------


@pytest.mark.demo_data
def test_high_skill_path_call_to_funding(live_server, page, phone, visitor, tmp_path):
    started = time.monotonic()
    day = today()
    year = day.year + 1
    call_title = f"{year}{CALL_TITLE_TAIL}"
    starts, ends = date(year, 3, 1), date(year, 3, 26)
    assert starts - timedelta(days=7) >= day  # HS-W4 leaves room for today's filing

    # --- 1. The centre publishes next year's call (HS-W1) ---------------------------------
    login(page, live_server, "center", DEMO_PASSWORD)
    menu(page, "研修征集")
    expect(heading(page)).to_have_text("研修项目征集")
    page.get_by_role("button", name="发布征集", exact=True).click()
    expect(heading(page)).to_have_text("发布征集")
    by_label(page, "年度").fill(str(year))
    by_label(page, "季度").select_option(label="第2季度")
    by_label(page, "征集名称").fill(call_title)
    by_label(page, "专业方向").fill("智能制造与精密加工\n数字技术与智能运维")
    expect(by_label(page, "开始日期")).to_have_value(day.isoformat())
    by_label(page, "截止日期").fill(f"{year}-06-30")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(flash(page, "征集已发布。")).to_be_visible()
    expect(heading(page)).to_contain_text(call_title)
    expect(heading(page)).to_contain_text("征集中")
    expect(page.locator("dl.facts")).to_contain_text(f"{year}年第2季度")
    expect(page.locator("dl.facts")).to_contain_text(f"{day.isoformat()} — {year}-06-30")

    # --- 2. 精工 replies with the annex-1 form, a teacher, and submits (HS-W2) ------------
    as_user(page, live_server, "qiye")
    menu(page, "研修项目征集")
    expect(heading(page)).to_have_text("征集中的研修项目")
    call = page.locator("article").filter(has_text=call_title)
    expect(call).to_have_count(1)
    expect(call.locator(".directions")).to_contain_text("数字技术与智能运维")
    call.get_by_role("button", name="申报研修项目").click()
    expect(heading(page)).to_have_text("新建实施方案")
    expect(page.locator("main")).to_contain_text("本单位本年度已申报 0 个")  # HS-H2
    by_label(page, "项目名称").fill(PROJECT)
    by_label(page, "专业方向").select_option(label="智能制造与精密加工")
    by_label(page, "涉及职业（工种）").fill("6-18-01-07 多工序数控机床操作调整工")
    by_label(page, "研修目标").fill("掌握五轴联动加工新工艺，解决复杂曲面零件加工难题。")
    by_label(page, "研修内容：新知识、新技术、新技能、新工艺").fill(
        "五轴联动编程与仿真；刀具路径优化新方法。")
    by_label(page, "拟研讨解决的生产实践技术和工艺难题").fill("叶轮类零件加工变形控制。")
    # HS-P4 live: 40 hours in all, 8 of seminars and exchanges is below the guidance ...
    check = page.locator("#hs-hours-check")
    hours(page, hours_onsite=32, hours_seminar=8)
    expect(page.locator("#hs-total-hours")).to_have_text("40")
    expect(page.locator("#hs-seminar-hours")).to_have_text("8")
    expect(check).to_contain_text("学时低于一般要求：请在下方填写理由")
    # ... 92 in all, 20 of them seminars and exchanges meets it.
    hours(page, hours_onsite=48, hours_keynote=16, hours_seminar=12, hours_exchange=8,
          hours_visit=8)
    expect(page.locator("#hs-total-hours")).to_have_text("92")
    expect(page.locator("#hs-seminar-hours")).to_have_text("20")
    expect(check).to_contain_text("学时符合一般要求。")
    by_label(page, "计划研修人数").fill("24")
    by_label(page, "每班人数").fill("24")
    by_label(page, "开始日期").fill(starts.isoformat())
    by_label(page, "结束日期").fill(ends.isoformat())
    by_label(page, "研修地点").fill("北京市经济技术开发区（演示）")
    page.get_by_label(re.compile(r"不转包、分包研修项目")).check()
    no_serious_violations(page, "the annex-1 form")
    page.get_by_role("button", name="保存草稿", exact=True).click()
    expect(flash(page, "实施方案已保存为草稿")).to_be_visible()
    expect(heading(page)).to_have_text("修改实施方案")

    teachers = page.locator("#hs-teachers")
    expect(teachers).to_contain_text("尚未添加授课教师")
    by_label(teachers, "姓名").fill(TEACHER)
    by_label(teachers, "教师类别").select_option(label="技能大师工作室领办人")
    by_label(teachers, "职称或技能等级").fill("高级技师")
    by_label(teachers, "工作单位").fill("北京精工智造有限公司")
    by_label(teachers, "授课内容").fill("五轴联动编程")
    teachers.get_by_role("button", name="添加教师", exact=True).click()
    expect(page.locator("#toast")).to_contain_text("已添加授课教师")
    expect(page.locator("#hs-teachers tbody")).to_contain_text(TEACHER)
    expect(page.locator("#hs-teachers tbody")).to_contain_text("技能大师工作室领办人")

    page.get_by_role("link", name="返回").first.click()
    expect(heading(page)).to_have_text(PROJECT)
    expect(page.get_by_role("heading", name="提交市就业促进中心")).to_be_visible()
    expect(page.locator("#submit-problems")).to_have_count(0)
    page.get_by_role("button", name="提交实施方案", exact=True).click()
    expect(flash(page, "实施方案已提交市就业促进中心，等待专家评审。")).to_be_visible()
    expect(page.locator("main")).to_contain_text("待评审")
    proposal_id = int(re.search(r"/hs/proposals/(\d+)$", page.url).group(1))

    # --- 3. Review: the centre assigns, the expert scores on the phone, approval (HS-W3) ---
    as_user(page, live_server, "center")
    menu(page, "研修项目评审")
    expect(heading(page)).to_have_text("研修项目评审")
    row = page.locator(f"#hs-proposal-{proposal_id}")
    expect(row).to_contain_text("北京精工智造有限公司")
    expect(row).to_contain_text("未分配专家")
    row.get_by_role("link", name=PROJECT, exact=True).click()
    expect(heading(page)).to_have_text(PROJECT)
    expect(page.locator("main")).to_contain_text("尚未分配评审专家。")
    by_label(page, "评审专家").select_option(label="评审专家（演示）")
    page.get_by_role("button", name="分配专家", exact=True).click()
    expect(flash(page, "已分配评审专家。")).to_be_visible()
    expect(page.locator("#score-stats")).to_contain_text("0 / 1")
    review_url = page.url

    login(phone, live_server, "expert", DEMO_PASSWORD)
    expect(heading(phone)).to_have_text("评审任务")
    task = phone.locator("li").filter(has_text=PROJECT)
    expect(task).to_contain_text("待评分")
    task.get_by_role("link").tap()
    expect(heading(phone)).to_have_text(PROJECT)
    marks = phone.locator("form input[type=number]")
    expect(marks.first).to_be_visible()
    for n in range(marks.count()):
        marks.nth(n).fill("85")
    by_label(phone, "评审意见").fill("紧扣五轴加工新工艺，师资和课时安排合理，建议立项。")
    no_serious_violations(phone, "the expert's score form (phone)")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    phone.get_by_role("button", name="提交评分", exact=True).tap()
    expect(flash(phone, "评分已保存，加权总分85分。")).to_be_visible()
    logout(phone)

    page.goto(review_url)
    expect(page.locator("#score-stats")).to_contain_text("1 / 1")
    expect(page.locator("#score-mean")).to_have_text("85.0")
    expect(page.locator("#year-approved")).to_have_text("0")
    by_label(page, "核定研修人数").fill(str(QUOTA))
    by_label(page, "立项意见（选填）").fill("同意立项。")
    page.get_by_role("button", name="立项", exact=True).click()
    expect(flash(page, f"已立项，核定研修人数{QUOTA}人。")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"核定研修人数：{QUOTA} 人")
    expect(page.locator("main")).to_contain_text("已立项待备案")

    # --- 4. 精工 imports the trainees and files the list and plan (HS-W4) -----------------
    as_user(page, live_server, "qiye")
    menu(page, "研修学员名单")
    expect(heading(page)).to_have_text("研修学员名单待备案")
    pending = page.locator("tbody tr").filter(has_text=PROJECT)
    expect(pending).to_contain_text(starts.isoformat())
    expect(pending).to_contain_text((starts - timedelta(days=7)).isoformat())
    pending.get_by_role("link", name=PROJECT, exact=True).click()
    expect(heading(page)).to_have_text("研修学员名单")
    expect(page.locator("main")).to_contain_text(
        f"学员名单和培训计划最迟应于 {starts - timedelta(days=7)} 备案")
    page.get_by_role("button", name="Excel 导入", exact=True).click()
    expect(heading(page)).to_have_text("Excel 导入研修学员")
    by_label(page, "研修学员名单 Excel 文件（.xlsx）").set_input_files(
        trainee_sheet(tmp_path / "研修学员名单.xlsx"))
    page.get_by_role("button", name="上传并预览", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("预览"))).to_contain_text(
        f"共 {TRAINEES} 行，有误 0 行")
    page.get_by_role("button", name=f"确认导入（{TRAINEES} 人）").click()
    expect(flash(page, f"已导入 {TRAINEES} 名学员。")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"当前名单 {TRAINEES} 人。")
    expect(page.locator("main")).to_contain_text("名单符合要求，可以备案。")
    expect(page.locator("tbody tr").filter(has_text="赵研1")).to_contain_text("符合条件")
    expect(page.locator("tbody")).not_to_contain_text(resident_id(0))  # masked (C-PII)
    page.get_by_role("button", name="备案学员名单和培训计划", exact=True).click()
    expect(flash(page, "学员名单和培训计划已备案")).to_be_visible()
    expect(page.locator("main")).to_contain_text("名单和培训计划已备案，不能直接修改")
    # Filing gives each trainee a phone account: the host may now issue initial passwords.
    expect(page.get_by_role("button", name=re.compile(r"^生成初始密码"))).to_have_count(TRAINEES)
    menu(page, "研修实施与结业")
    ours = page.locator("tbody tr").filter(has_text=PROJECT)
    expect(ours).to_contain_text("已备案实施中")
    expect(ours).to_contain_text(f"{starts} 至 {ends}")

    # --- 5. Check-in: the institution's running project, the code typed on the phone ------
    as_user(page, live_server, "jigou")
    menu(page, "研修实施与结业")
    page.locator("tbody tr").filter(has_text=RUNNING).get_by_role("link", name=RUNNING, exact=True).click()
    expect(heading(page)).to_contain_text(RUNNING)
    page.get_by_role("button", name="开设课堂", exact=True).click()
    expect(heading(page)).to_have_text("开设研修课堂")
    by_label(page, "课堂名称").fill(SESSION_TITLE)
    by_label(page, "研修形式").select_option(label="现场教学")
    page.get_by_role("button", name="开设并显示签到二维码", exact=True).click()
    expect(flash(page, "课堂已开设，请学员扫描二维码签到。")).to_be_visible()
    expect(heading(page)).to_contain_text(SESSION_TITLE)
    digits = page.locator("[data-checkin-code]")
    expect(digits).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    attendees = page.locator("#attendees")
    expect(attendees).to_contain_text("已签到 0 / 应到 20")

    login(phone, live_server, "yanxiu", DEMO_PASSWORD)
    expect(phone.locator("#hs-projects")).to_contain_text(RUNNING)
    code_form = phone.locator("form.checkin-code")
    expect(code_form).to_contain_text(SESSION_TITLE)
    choose = code_form.locator("select")
    if choose.count():
        choose.select_option(label=re.compile(re.escape(SESSION_TITLE)))
    phone.get_by_label(re.compile(r"^\s*签到码")).fill(digits.get_attribute("data-checkin-code"))
    phone.get_by_role("button", name="用签到码签到").tap()
    expect(phone.get_by_text("已签到", exact=True)).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    no_serious_violations(phone, "the trainee's checked-in page (phone)")
    # The host's open screen counts the trainee by itself, within the polling interval.
    expect(attendees).to_contain_text("已签到 1 / 应到 20", timeout=ATTENDEES_POLL_MS + 4_000)

    # --- 6. Assessment and completion roster of the finished demo class (HS-W7, HS-W8) ---
    as_user(page, live_server, "qiye")
    menu(page, "研修实施与结业")
    done = page.locator("tbody tr").filter(has_text=FINISHED)
    expect(done).to_contain_text("已结业备案")
    done.get_by_role("link", name=FINISHED, exact=True).click()
    trainees = page.locator("#trainees tbody tr")
    expect(trainees).to_have_count(24)
    expect(trainees.filter(has=page.locator(".badge-approved", has_text="合格"))).to_have_count(22)
    expect(trainees.filter(has=page.locator(".badge-rejected", has_text="不合格"))).to_have_count(2)
    page.get_by_role("button", name="结业名册与结业备案").click()
    expect(heading(page)).to_have_text("北京市高技能人才研修培训结业登记备案名册")
    expect(page.locator("#roster-h")).to_have_text("已备案结业名册（22 人）")
    expect(page.locator("main")).to_contain_text("考核不合格（2 人）")

    # --- 7. Certificates and funding (HS-W9, HS-$1) --------------------------------------
    menu(page, "研修经费与结业证书")
    project_row = page.locator("tbody tr").filter(has_text=FINISHED)
    expect(project_row).to_contain_text("22人，110,000元")
    project_row.get_by_role("link", name=FINISHED, exact=True).click()
    expect(heading(page)).to_have_text(FINISHED)
    expect(page.locator("#claim-status")).to_contain_text("22人，110,000元")
    expect(page.locator("#claim-status")).to_contain_text("拨付")
    expect(page.locator("#roster caption")).to_have_text("结业登记备案名册（22人）")
    first = page.locator("#roster tbody tr").first
    number = first.locator("td").nth(4).get_by_role("link").inner_text().strip()
    assert number, "the roster's first trainee has no certificate number"
    page.locator("#claim-status").get_by_role("link").click()
    expect(page.locator("#claim-headcount")).to_have_text("22")
    expect(page.locator("#claim-payable")).to_have_text("110,000")
    expect(page.locator("dl.facts")).to_contain_text("京财社〔研修〕001（演示）")

    visitor.goto(f"{live_server.url}/verify")
    expect(heading(visitor)).to_have_text("证书查验")
    by_label(visitor, "证书编号").fill(number)
    visitor.get_by_role("button", name="查验", exact=True).click()
    result = visitor.locator(".verify-result")
    expect(result.locator("#verdict")).to_have_text("有效")
    expect(result).to_contain_text(number)
    expect(result).to_contain_text(FINISHED)
    no_serious_violations(visitor, "the public verify page")

    as_user(page, live_server, "center")
    menu(page, "研修项目备案")  # the filing of step 4, city-wide
    filed = page.locator("tbody tr").filter(has_text=PROJECT)
    expect(filed).to_have_count(1)
    expect(filed).to_contain_text(day.isoformat())
    expect(filed).to_contain_text("北京精工智造有限公司")
    menu(page, "研修经费审核")
    expect(heading(page)).to_have_text("研修经费申请审核")
    counts = page.get_by_role("navigation", name="各状态研修经费申请数")
    counts.get_by_role("link").filter(has_text="已拨付").click()
    expect(page).to_have_url(re.compile(r"state=paid"))
    claim_row = page.locator("tbody tr").filter(has_text=FINISHED)
    expect(claim_row).to_have_count(1)
    expect(claim_row).to_contain_text("北京精工智造有限公司")
    expect(claim_row).to_contain_text("已拨付")
    expect(claim_row.locator("td.num").nth(0)).to_have_text("22")
    expect(claim_row.locator("td.num").nth(1)).to_have_text("110,000")

    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT_S, f"the path took {elapsed:.1f} s"
