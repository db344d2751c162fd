"""AP-V4, HS-W10: the third-party auditor's path in headless Chromium. The auditor signs in,
finds the granted programme (and only it), reads its records masked (C-PII), starts the
evidence package and follows its progress bar to the download: a zip of xlsx workbooks.
The job runs in a thread of the live server, as without Redis in production."""

import zipfile

from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.models import Apprentice, Role
from tests.browser.conftest import axe_check, login, serious
from tests.enrolment_factories import make_enrolment
from tests.factories import PASSWORD, make_user
from tests.supervision.audits.audit_helpers import approved_programme, grant, make_firm


def _arrange(live_server) -> dict:
    with live_server.app.app_context():
        firm = make_firm()
        granted, other = approved_programme(), approved_programme()
        enrolments = [make_enrolment(programme=granted) for _ in range(3)]
        grant(firm, programme=granted)
        auditor = make_user(Role.AUDITOR, org=firm)
        person = db.session.get(Apprentice, enrolments[0].apprentice_id)
        facts = {"username": auditor.username, "granted": granted.id, "other": other.id,
                 "resident_id": person.resident_id}
        db.session.remove()
    return facts


def test_AP_V4_auditor_downloads_an_evidence_package_with_a_progress_bar(live_server,
                                                                         page: Page):
    live_server.app.config["JOBS_BACKEND"] = "thread"
    facts = _arrange(live_server)
    login(page, live_server, facts["username"], PASSWORD)
    expect(page.locator(f"#programme-{facts['granted']}")).to_be_visible()
    expect(page.locator(f"#programme-{facts['other']}")).to_have_count(0)
    page.locator(f"#programme-{facts['granted']} a").first.click()
    expect(page.get_by_role("heading", name="学徒")).to_be_visible()
    body = page.content()
    assert facts["resident_id"] not in body
    assert facts["resident_id"][:6] + "********" + facts["resident_id"][-4:] in body
    assert page.locator("form[method=post]:not([action='/logout'])").count() == 0
    assert serious(axe_check(page)) == []
    page.locator("#evidence-link").click()
    expect(page.locator("#job-progress")).to_be_visible()
    expect(page.locator("#job-status-h")).to_contain_text("已完成", timeout=30_000)
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="下载").click()
    download = waiting.value
    assert download.suggested_filename == f"审计证据包-项目{facts['granted']}.zip"
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
    assert "01-项目与学籍.xlsx" in names and "06-审计日志.xlsx" in names
    # The job survives a reload and stays the auditor's.
    page.reload()
    expect(page.locator("#job-status-h")).to_contain_text("已完成")
