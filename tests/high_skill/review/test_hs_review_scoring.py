"""HS-W3: the assigned expert scores each active criterion 0–100 and writes an opinion;
the weighted total is kept; scores can be changed until the centre decides."""

import pytest
import sqlalchemy as sa

from portal.models import HsAssignment, ProposalState
from tests.high_skill.factories_review import assign, make_expert, make_host, make_proposal


def _form(criteria, values, opinion="方案可行，建议立项"):
    data = {f"c{c.id}": v for c, v in zip(criteria, values, strict=True)}
    return {**data, "opinion": opinion}


def _reload(db, a) -> HsAssignment:
    db.session.rollback()
    return db.session.get(HsAssignment, a.id)


def test_HS_W3_expert_scores_and_the_weighted_total_is_kept(db, login, criteria):
    proposal, expert = make_proposal(), make_expert()
    a = assign(proposal, expert)
    client = login(expert)
    page = client.get(f"/expert/hs/assignments/{proposal.id}").get_data(as_text=True)
    assert "需求契合度（权重30%）" in page and proposal.title in page
    answer = client.post(f"/expert/hs/assignments/{proposal.id}",
                         data=_form(criteria, [80, 90, 70, 60, 100]), follow_redirects=True)
    assert "加权总分80分" in answer.get_data(as_text=True)
    saved = _reload(db, a)
    assert saved.total == 80 and saved.opinion == "方案可行，建议立项"
    assert saved.scores == {str(c.id): v for c, v in zip(criteria, [80, 90, 70, 60, 100],
                                                         strict=True)}


def test_HS_W3_score_outside_0_to_100_refused(db, login, criteria):
    proposal, expert = make_proposal(), make_expert()
    a = assign(proposal, expert)
    client = login(expert)
    for bad in (101, -1, 99999999999999999999):
        answer = client.post(f"/expert/hs/assignments/{proposal.id}",
                             data=_form(criteria, [80, 90, 70, 60, bad]))
        assert answer.status_code == 200
        assert "评分须为0–100的整数（规则 HS-W3）" in answer.get_data(as_text=True)
    assert _reload(db, a).scored_at is None


def test_HS_W3_every_criterion_and_the_opinion_required(db, login, criteria):
    proposal, expert = make_proposal(), make_expert()
    a = assign(proposal, expert)
    client = login(expert)
    missing = _form(criteria, [80, 90, 70, 60, 100])
    missing.pop(f"c{criteria[0].id}")
    text = client.post(f"/expert/hs/assignments/{proposal.id}", data=missing).get_data(
        as_text=True)
    assert "请为“需求契合度”打分" in text
    text = client.post(f"/expert/hs/assignments/{proposal.id}",
                       data=_form(criteria, [80, 90, 70, 60, 100], opinion="  ")).get_data(
        as_text=True)
    assert "请填写评审意见" in text
    assert _reload(db, a).scored_at is None


def test_HS_W3_score_editable_until_the_centre_decides(db, login, criteria):
    proposal, expert = make_proposal(), make_expert()
    a = assign(proposal, expert)
    client = login(expert)
    url = f"/expert/hs/assignments/{proposal.id}"
    client.post(url, data=_form(criteria, [80, 80, 80, 80, 80]))
    client.post(url, data=_form(criteria, [60, 60, 60, 60, 60], opinion="改为60"))
    assert _reload(db, a).total == 60
    proposal.state = ProposalState.APPROVED
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "评分不能再修改" in page and "提交评分" not in page
    answer = client.post(url, data=_form(criteria, [90, 90, 90, 90, 90]))
    assert "评分不能再修改" in answer.get_data(as_text=True)
    assert _reload(db, a).total == 60


def test_HS_W3_expert_cannot_score_own_organisations_proposal(db, login, criteria):
    """Assigned before joining the host (or by a row written outside the service): the
    page shows the conflict and the service refuses the score."""
    host = make_host()
    proposal = make_proposal(host)
    insider = make_expert(org=host)
    a = assign(proposal, insider)
    client = login(insider)
    page = client.get(f"/expert/hs/assignments/{proposal.id}").get_data(as_text=True)
    assert "利益冲突" in page and "提交评分" not in page
    answer = client.post(f"/expert/hs/assignments/{proposal.id}",
                         data=_form(criteria, [80, 90, 70, 60, 100]))
    assert "利益冲突" in answer.get_data(as_text=True)
    assert _reload(db, a).scored_at is None


def test_HS_W3_expert_list_splits_to_score_and_scored(db, login, criteria):
    expert = make_expert()
    todo, done = make_proposal(), make_proposal()
    assign(todo, expert)
    assign(done, expert, {str(c.id): 70 for c in criteria}, 70, "可以")
    client = login(expert)
    home = client.get("/expert/").get_data(as_text=True)
    assert todo.title in home and done.title not in home
    assert "研修项目待评分" in home  # the worklist
    scored = client.get("/expert/hs/assignments?show=scored").get_data(as_text=True)
    assert done.title in scored and todo.title not in scored
    fragment = client.hx_get("/expert/hs/assignments?show=all").get_data(as_text=True)
    assert "<html" not in fragment and todo.title in fragment and done.title in fragment


def test_HS_W3_scores_use_the_rubric_in_force(db, login, criteria):
    """A score for a criterion the rubric no longer holds is not accepted by the service."""
    from portal.core.errors import ServiceError
    from portal.high_skill.review import services

    proposal, expert = make_proposal(), make_expert()
    a = assign(proposal, expert)
    scores = {str(c.id): 50 for c in criteria[:-1]}
    with pytest.raises(ServiceError, match="请为每个评分项打分（规则 HS-W3）"):
        services.score(expert, a, scores, "意见")
    assert db.session.scalar(sa.select(HsAssignment.scored_at).where(
        HsAssignment.id == a.id)) is None


def test_HS_P4_flag_shown_to_the_expert(db, login, criteria):
    short = make_proposal(hours_onsite=30, hours_keynote=10, hours_seminar=6, hours_exchange=4,
                          hours_reason="生产旺季，集中两周")
    expert = make_expert()
    assign(short, expert)
    page = login(expert).get(f"/expert/hs/assignments/{short.id}").get_data(as_text=True)
    assert "学时偏少" in page and "规则 HS-P4" in page and "生产旺季，集中两周" in page


def test_HS_W3_expert_list_query_count_does_not_grow(db, login, count_queries, criteria):
    expert = make_expert()
    client = login(expert)
    for _ in range(2):
        assign(make_proposal(), expert)
    with count_queries() as few:
        client.get("/expert/hs/assignments?show=all")
    for _ in range(5):
        assign(make_proposal(), expert)
    with count_queries() as many:
        client.get("/expert/hs/assignments?show=all")
    assert len(many) == len(few)
