"""HS-W3: the centre reads the scores side by side and approves with a quota, or rejects;
HS-P2: the year's approved quotas never pass 800."""

from datetime import datetime

import sqlalchemy as sa

from portal.models import AuditLog, HsProposal, HsYearTally, Organisation, ProposalState
from tests.high_skill.factories_review import (
    YEAR,
    assign,
    centre_user,
    make_expert,
    make_proposal,
    scored,
)


def _state(db, proposal):
    db.session.rollback()
    p = db.session.get(HsProposal, proposal.id)
    return p.state, p.quota


def _tally(db, year=YEAR):
    db.session.rollback()
    return db.session.scalar(sa.select(HsYearTally.approved_quota).where(HsYearTally.year == year))


def _set_tally(db, approved, year=YEAR):
    db.session.add(HsYearTally(year=year, approved_quota=approved))
    db.session.commit()


def _ready(planned=30, **fields):
    proposal = make_proposal(planned_trainees=planned, **fields)
    scored(proposal, make_expert(display_name="甲专家"), 80)
    return proposal


def test_HS_W3_review_page_shows_scores_mean_and_spread(db, login, criteria):
    proposal = make_proposal(hours_onsite=20, hours_keynote=10, hours_seminar=4,
                             hours_exchange=2, hours_reason="企业生产任务紧")  # 36 h: HS-P4
    values = {"甲专家": [90, 80, 70, 60, 50], "乙专家": [60, 60, 60, 60, 60]}
    for name, marks in values.items():
        scores = {str(c.id): m for c, m in zip(criteria, marks, strict=True)}
        assign(proposal, make_expert(display_name=name), scores,
               # 90*.3 + 80*.25 + 70*.2 + 60*.15 + 50*.1 = 27 + 20 + 14 + 9 + 5 = 75
               75 if name == "甲专家" else 60, f"{name}的意见")
    assign(proposal, make_expert(display_name="丙专家"))
    page = login(centre_user()).get(f"/center/hs/review/{proposal.id}").get_data(as_text=True)
    for text in ("甲专家", "乙专家", "丙专家", "甲专家的意见", "乙专家的意见", "未评分",
                 "需求契合度", "30%", "2 / 3", "企业生产任务紧", "HS-P4"):
        assert text in page, text
    assert '<dd id="score-mean">67.5</dd>' in page
    assert '<dd id="score-spread">15</dd>' in page


def test_HS_W3_approval_fixes_the_quota_and_counts_it_for_the_year(db, login, criteria):
    proposal = _ready(planned=30)
    client = login(centre_user())
    answer = client.post(f"/center/hs/review/{proposal.id}/approve", data={"quota": 25},
                         follow_redirects=True)
    assert "已立项，核定研修人数25人" in answer.get_data(as_text=True)
    assert _state(db, proposal) == (ProposalState.APPROVED, 25)
    assert _tally(db) == 25
    entry = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "hs_proposal", AuditLog.action == "approve")).one()
    assert (entry.from_state, entry.to_state) == ("submitted", "approved")
    assert "核定研修人数25人" in entry.comment


def test_HS_W3_quota_zero_negative_or_above_plan_refused(db, login, criteria):
    proposal = _ready(planned=30)
    client = login(centre_user())
    for quota in (0, -3, 31):
        text = client.post(f"/center/hs/review/{proposal.id}/approve",
                           data={"quota": quota}).get_data(as_text=True)
        assert "核定研修人数须大于0且不超过方案计划的30人（规则 HS-W3）" in text, quota
    assert _state(db, proposal) == (ProposalState.SUBMITTED, None)
    assert _tally(db) is None


def test_HS_P2_quota_below_one_class_refused(db, login, criteria):
    proposal = _ready(planned=30)
    text = login(centre_user()).post(f"/center/hs/review/{proposal.id}/approve",
                                     data={"quota": 19}).get_data(as_text=True)
    assert "不能少于每班最少人数20人（规则 HS-P2）" in text
    assert _state(db, proposal) == (ProposalState.SUBMITTED, None)


def test_HS_P2_the_801st_trainee_of_the_year_refused(db, login, criteria):
    _set_tally(db, 781)
    proposal = _ready(planned=20)
    client = login(centre_user())
    page = client.get(f"/center/hs/review/{proposal.id}").get_data(as_text=True)
    assert '<strong id="year-remaining">19</strong>' in page
    text = client.post(f"/center/hs/review/{proposal.id}/approve",
                       data={"quota": 20}).get_data(as_text=True)
    assert "已核定研修人数781人，尚余19人" in text and "800人的上限（规则 HS-P2）" in text
    assert _state(db, proposal) == (ProposalState.SUBMITTED, None)
    assert _tally(db) == 781


def test_HS_P2_the_800th_trainee_of_the_year_accepted(db, login, criteria):
    _set_tally(db, 780)
    proposal = _ready(planned=20)
    login(centre_user()).post(f"/center/hs/review/{proposal.id}/approve", data={"quota": 20})
    assert _state(db, proposal) == (ProposalState.APPROVED, 20)
    assert _tally(db) == 800


def test_HS_P2_each_year_has_its_own_cap(db, login, criteria):
    _set_tally(db, 800, year=YEAR - 1)
    proposal = _ready(planned=30)
    login(centre_user()).post(f"/center/hs/review/{proposal.id}/approve", data={"quota": 30})
    assert _state(db, proposal) == (ProposalState.APPROVED, 30)


def test_HS_W3_approving_a_proposal_not_submitted_refused(db, login, criteria):
    draft = make_proposal(state=ProposalState.DRAFT)
    client = login(centre_user())
    text = client.post(f"/center/hs/review/{draft.id}/approve", data={"quota": 25},
                       follow_redirects=True).get_data(as_text=True)
    assert "只有待评审的项目可以作出立项决定，该项目当前为“草稿”" in text
    assert _state(db, draft) == (ProposalState.DRAFT, None)
    approved = _ready()
    client.post(f"/center/hs/review/{approved.id}/approve", data={"quota": 25})
    again = client.post(f"/center/hs/review/{approved.id}/approve", data={"quota": 30},
                        follow_redirects=True)
    assert "该项目当前为“已立项待备案”" in again.get_data(as_text=True)
    assert _state(db, approved) == (ProposalState.APPROVED, 25) and _tally(db) == 25


def test_HS_W3_approval_waits_for_every_assigned_expert(db, login, criteria):
    proposal = _ready()
    assign(proposal, make_expert())
    text = login(centre_user()).post(f"/center/hs/review/{proposal.id}/approve",
                                     data={"quota": 25}).get_data(as_text=True)
    assert "全部提交评分后确定立项（已评分1/2）（规则 HS-W3）" in text
    assert _state(db, proposal) == (ProposalState.SUBMITTED, None)


def test_HS_W3_C_REV_rejection_needs_a_reason(db, login, criteria):
    proposal = _ready()
    client = login(centre_user())
    text = client.post(f"/center/hs/review/{proposal.id}/reject",
                       data={"reason": ""}).get_data(as_text=True)
    assert "不予立项须填写理由（规则 C-REV）" in text
    assert _state(db, proposal)[0] == ProposalState.SUBMITTED
    client.post(f"/center/hs/review/{proposal.id}/reject", data={"reason": "与专业方向不符"})
    db.session.rollback()
    p = db.session.get(HsProposal, proposal.id)
    assert (p.state, p.decision_comment) == (ProposalState.REJECTED, "与专业方向不符")
    assert _tally(db) is None


def test_HS_W3_expert_cannot_approve(db, login, client, criteria):
    proposal = _ready()
    login(make_expert())
    assert client.post(f"/center/hs/review/{proposal.id}/approve",
                       data={"quota": 25}).status_code == 403
    assert _state(db, proposal) == (ProposalState.SUBMITTED, None)


def test_HS_subsidy_2_disqualified_host_not_approved(db, login, criteria):
    proposal = _ready()
    host = db.session.get(Organisation, proposal.host_id)
    host.hs_disqualified_at = datetime(YEAR, 4, 10)
    db.session.commit()
    text = login(centre_user()).post(f"/center/hs/review/{proposal.id}/approve",
                                     data={"quota": 25}).get_data(as_text=True)
    assert "已被取消承办资格，不能立项（规则 HS-$2）" in text
    assert _state(db, proposal) == (ProposalState.SUBMITTED, None) and _tally(db) is None
