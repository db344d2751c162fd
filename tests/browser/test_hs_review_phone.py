"""HS-W3 on a 375 px phone: the expert opens the assignment from the list, scores every
criterion, writes the opinion and sees the weighted total; the page fits the screen and
passes axe."""

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.conftest import axe_check, describe, login, serious
from tests.factories import PASSWORD
from tests.high_skill.factories_review import assign, default_rubric, make_expert, make_proposal

pytestmark = [pytest.mark.browser,
              # A dropped static response when Chromium navigates away is not a bug.
              pytest.mark.filterwarnings("ignore::ResourceWarning")]


def _world(live_server) -> dict:
    with live_server.app.app_context():
        criteria = default_rubric()
        proposal = make_proposal(title="五轴数控加工新工艺研修")
        expert = make_expert()
        assign(proposal, expert)
        world = {"expert": expert.username, "labels": [c.label for c in criteria],
                 "proposal_id": proposal.id}
        db.session.remove()
    return world


def test_HS_W3_expert_scores_on_a_phone(live_server, phone):
    world = _world(live_server)
    login(phone, live_server, world["expert"], PASSWORD)
    expect(phone.get_by_role("heading", name="评审任务")).to_be_visible()
    phone.get_by_role("link", name=re.compile("五轴数控加工新工艺研修")).click()
    for label, value in zip(world["labels"], ("80", "90", "70", "60", "100"), strict=True):
        phone.get_by_label(re.compile(rf"^\s*{label}（权重")).fill(value)
    phone.get_by_label(re.compile(r"^\s*评审意见")).fill("内容先进，建议立项")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    problems = serious(axe_check(phone))
    assert not problems, describe(problems)
    phone.get_by_role("button", name="提交评分").click()
    expect(phone.get_by_text("评分已保存，加权总分80分。")).to_be_visible()
    expect(phone.get_by_role("button", name="保存评分")).to_be_visible()
