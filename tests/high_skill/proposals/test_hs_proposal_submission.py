"""HS-W2 submission and withdrawal through the pages: every rule again at submission
(HS-H1, HS-$2, HS-H3, HS-P1…P4, HS-W6), the HS-H2 counter, the audit trail."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    AuditLog,
    HsAssignment,
    HsHostYear,
    HsProposal,
    ProposalState,
    ReviewState,
    Role,
)
from tests.factories import make_user
from tests.high_skill.factories_proposals import make_call, make_host, make_proposal

BASE = "/enterprise/hs/proposals"


@pytest.fixture
def host(login):
    org, user = make_host()
    login(user)
    return org


def _submit(client, proposal) -> str:
    return client.post(f"{BASE}/{proposal.id}/submit", follow_redirects=True).get_data(
        as_text=True)


def _state(proposal) -> ProposalState:
    db.session.rollback()
    return db.session.get(HsProposal, proposal.id).state


def _counter(host, year) -> int | None:
    db.session.rollback()
    return db.session.scalar(sa.select(HsHostYear.submitted).where(
        HsHostYear.host_id == host.id, HsHostYear.year == year))


def test_HS_W2_submit_a_complete_draft(client, host):
    proposal = make_proposal(host, make_call())
    page = _submit(client, proposal)
    assert "实施方案已提交市就业促进中心，等待专家评审。" in page
    assert _state(proposal) == ProposalState.SUBMITTED
    assert db.session.get(HsProposal, proposal.id).submitted_at is not None
    assert _counter(host, proposal.year) == 1
    entry = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "hs_proposal", AuditLog.action == "submit")).one()
    assert (entry.from_state, entry.to_state) == ("draft", "submitted")


def test_HS_H2_third_proposal_in_a_year_refused(client, host):
    call = make_call()
    first, second, third = (make_proposal(host, call) for _ in range(3))
    _submit(client, first)
    _submit(client, second)
    page = _submit(client, third)
    assert "每家承办单位每年申报的项目不超过2个（规则 HS-H2）" in page
    assert [_state(p) for p in (first, second, third)] == [
        ProposalState.SUBMITTED, ProposalState.SUBMITTED, ProposalState.DRAFT]
    assert _counter(host, call.year) == 2


def test_HS_H2_counts_proposals_stored_before_the_counter(client, host):
    """Rows made without the service (demo data, imports) still count: the counter starts
    from the proposals already in a counted state."""
    call = make_call()
    make_proposal(host, call, state=ProposalState.APPROVED)
    make_proposal(host, call, state=ProposalState.REJECTED)
    draft = make_proposal(host, call)
    assert "（规则 HS-H2）" in _submit(client, draft)
    assert _state(draft) == ProposalState.DRAFT


def test_HS_H2_another_year_or_another_host_is_not_counted(client, host):
    call = make_call()
    other, _user = make_host()
    for _ in range(2):
        make_proposal(other, call, state=ProposalState.SUBMITTED)
    make_proposal(host, call, state=ProposalState.SUBMITTED)
    last_year = make_call(date(call.year - 1, 1, 1), date(call.year - 1, 12, 31))
    make_proposal(host, last_year, state=ProposalState.SUBMITTED)
    draft = make_proposal(host, call)
    assert "实施方案已提交" in _submit(client, draft)
    assert _counter(host, call.year) == 2


def test_HS_H2_withdrawn_proposal_frees_its_place(client, host):
    call = make_call()
    first, second, third = (make_proposal(host, call) for _ in range(3))
    _submit(client, first)
    _submit(client, second)
    detail = client.get(f"{BASE}/{first.id}").get_data(as_text=True)
    assert "撤回实施方案" in detail
    page = client.post(f"{BASE}/{first.id}/withdraw", data={"comment": "方案需调整"},
                       follow_redirects=True).get_data(as_text=True)
    assert "实施方案已撤回，不计入本年度申报数。" in page
    assert _state(first) == ProposalState.WITHDRAWN and _counter(host, call.year) == 1
    assert "实施方案已提交" in _submit(client, third)
    assert _counter(host, call.year) == 2


def test_HS_H2_no_withdrawal_once_an_expert_has_scored(client, host):
    proposal = make_proposal(host, make_call())
    _submit(client, proposal)
    expert = make_user(Role.EXPERT)
    db.session.add(HsAssignment(proposal_id=proposal.id, expert_id=expert.id, scores={"1": 80},
                                total=80, scored_at=datetime(2026, 1, 3)))
    db.session.commit()
    assert "撤回实施方案" not in client.get(f"{BASE}/{proposal.id}").get_data(as_text=True)
    page = client.post(f"{BASE}/{proposal.id}/withdraw", follow_redirects=True)
    assert "专家已开始评审，不能撤回该实施方案" in page.get_data(as_text=True)
    assert _state(proposal) == ProposalState.SUBMITTED and _counter(host, proposal.year) == 1


def test_HS_W2_submit_without_csrf_token_refused(client, host):
    proposal = make_proposal(host, make_call())
    assert client.post(f"{BASE}/{proposal.id}/submit", csrf=False).status_code == 400
    assert _state(proposal) == ProposalState.DRAFT


def test_HS_W2_submitted_twice_is_refused_once(client, host):
    proposal = make_proposal(host, make_call())
    _submit(client, proposal)
    assert "该实施方案已提交，不能重复提交" in _submit(client, proposal)
    assert _counter(host, proposal.year) == 1


@pytest.mark.parametrize("fields, rule", [
    ({"attests_no_subcontracting": False}, "HS-H3"),
    ({"occupations": ""}, "HS-P1"),
    ({"class_size": 31}, "HS-P2"),
    ({"class_size": 12}, "HS-P2"),
    ({"content_new": ""}, "HS-P3"),
    ({"hours_onsite": 10}, "HS-P4"),  # 46 hours and no reason given
])
def test_HS_rules_checked_again_at_submission(client, host, fields, rule):
    """A stored draft (an old form, a script) breaking a rule is refused at submission."""
    proposal = make_proposal(host, make_call(), **fields)
    page = _submit(client, proposal)
    assert f"（规则 {rule}）" in page
    assert _state(proposal) == ProposalState.DRAFT and _counter(host, proposal.year) is None


def test_HS_W6_end_date_in_the_next_year_refused_at_submission(client, host):
    call = make_call()
    proposal = make_proposal(host, call, ends_on=date(call.year + 1, 1, 10))
    assert "研修项目须在当年完成，不得跨年度举办（规则 HS-W6）" in _submit(client, proposal)
    assert _state(proposal) == ProposalState.DRAFT


def test_HS_P4_flagged_with_a_reason_is_submitted_and_shown_flagged(client, host):
    proposal = make_proposal(host, make_call(), hours_onsite=10,
                             hours_reason="分阶段研修，另有线上自学")
    assert "实施方案已提交" in _submit(client, proposal)
    page = client.get(f"{BASE}/{proposal.id}").get_data(as_text=True)
    assert "学时低于一般要求（HS-P4）" in page and "分阶段研修，另有线上自学" in page


def test_HS_P3_a_plan_without_teachers_is_refused(client, host):
    proposal = make_proposal(host, make_call(), teachers=0)
    page = client.get(f"{BASE}/{proposal.id}").get_data(as_text=True)
    assert "提交前请修改" in page and "（规则 HS-P3）" in page
    assert "（规则 HS-P3）" in _submit(client, proposal)
    assert _state(proposal) == ProposalState.DRAFT


def test_HS_subsidy_2_disqualified_host_cannot_submit(client, login):
    org, user = make_host(disqualified=True)
    login(user)
    proposal = make_proposal(org, make_call())
    assert "（规则 HS-$2）" in _submit(client, proposal)
    assert _state(proposal) == ProposalState.DRAFT


def test_HS_H1_unconfirmed_host_cannot_submit(client, login):
    org, user = make_host(state=ReviewState.SUBMITTED)
    login(user)
    proposal = make_proposal(org, make_call())
    assert "（规则 HS-H1）" in _submit(client, proposal)
    assert _state(proposal) == ProposalState.DRAFT
