"""HS-W2 through the pages: a draft from an open call, the annex-1 form's refusals (HS-P1,
HS-P2, HS-P4, HS-H3, HS-W6), the live HS-P4 check and the teachers (HS-P3)."""

from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditLog, HsProposal, HsTeacher, OrgKind, ProposalState
from tests.high_skill.factories_proposals import (
    closed_call,
    form_data,
    make_call,
    make_host,
    make_proposal,
    plan,
)

BASE = "/enterprise/hs/proposals"


@pytest.fixture
def host(login):
    org, user = make_host()
    login(user)
    return org


def _post_new(client, call, **overrides):
    return client.post(f"{BASE}/new?call_id={call.id}", data=form_data(plan(call.year, **overrides)))


def _proposals() -> list[HsProposal]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(HsProposal)))


def test_HS_W2_host_picks_an_open_call_and_saves_a_draft(client, host):
    call = make_call()
    closed_call(title="已截止的征集")
    picker = client.get(f"{BASE}/new").get_data(as_text=True)
    assert call.title in picker and "已截止的征集" not in picker
    form = client.get(f"{BASE}/new?call_id={call.id}").get_data(as_text=True)
    assert "智能制造" in form and 'name="hours_seminar"' in form
    response = _post_new(client, call)
    (proposal,) = _proposals()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/{proposal.id}/edit")
    assert (proposal.host_id, proposal.year, proposal.state) == (host.id, call.year,
                                                                  ProposalState.DRAFT)
    assert proposal.total_hours == 84 and proposal.seminar_exchange_hours == 24
    assert proposal.occupations.splitlines() == ["6-18-01-01 车工", "6-18-01-02 铣工"]
    assert db.session.scalar(sa.select(AuditLog.action).where(
        AuditLog.object_type == "hs_proposal", AuditLog.object_id == proposal.id)) == "create"


def test_HS_W2_proposal_after_the_call_closed_refused(client, host):
    call = closed_call()
    response = client.get(f"{BASE}/new?call_id={call.id}", follow_redirects=True)
    assert "当前不在申报期内（规则 HS-W2）" in response.get_data(as_text=True)
    _post_new(client, call)
    assert _proposals() == []
    # A draft begun while the call was open cannot be submitted once it has closed.
    draft = make_proposal(host, call)
    page = client.post(f"{BASE}/{draft.id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "当前不在申报期内（规则 HS-W2）" in page
    assert db.session.get(HsProposal, draft.id).state == ProposalState.DRAFT


def test_HS_W2_direction_must_be_one_of_the_calls(client, host):
    call = make_call()
    page = _post_new(client, call, direction="烹饪").get_data(as_text=True)
    assert "请选择征集通知所列的专业方向（规则 HS-W1）" in page
    assert _proposals() == []


@pytest.mark.parametrize("size, saved", [(19, False), (20, True), (30, True), (31, False)])
def test_HS_P2_class_size_outside_20_to_30_refused(client, host, size, saved):
    page = _post_new(client, make_call(), class_size=size).get_data(as_text=True)
    assert bool(_proposals()) is saved
    if not saved:
        assert "每班20至30人" in page and "（规则 HS-P2）" in page


def test_HS_P2_more_planned_trainees_than_a_years_cap_refused(client, host):
    page = _post_new(client, make_call(), planned_trainees=801).get_data(as_text=True)
    assert "全年研修人数不超过800人" in page and _proposals() == []


def test_HS_W6_end_date_in_the_next_year_refused(client, host):
    call = make_call()
    page = _post_new(client, call, ends_on=date(call.year + 1, 1, 5)).get_data(as_text=True)
    assert "不得跨年度举办（规则 HS-W6）" in page and _proposals() == []


def test_HS_W6_start_in_the_year_before_refused(client, host):
    call = make_call()
    page = _post_new(client, call, starts_on=date(call.year - 1, 12, 20)).get_data(as_text=True)
    assert "（规则 HS-W6）" in page and _proposals() == []


def test_HS_W6_end_before_start_refused(client, host):
    call = make_call()
    page = _post_new(client, call, starts_on=date(call.year, 5, 2),
                     ends_on=date(call.year, 5, 1)).get_data(as_text=True)
    assert "结束日期不能早于开始日期" in page and _proposals() == []


def test_HS_H3_no_attestation_refused(client, host):
    page = _post_new(client, make_call(), attests_no_subcontracting=False).get_data(as_text=True)
    assert "承办单位不得转包、分包研修项目（规则 HS-H3）" in page and _proposals() == []


def test_HS_P1_no_occupation_refused(client, host):
    page = _post_new(client, make_call(), occupations=" \n ").get_data(as_text=True)
    assert "（规则 HS-P1）" in page and _proposals() == []


def test_HS_P3_no_new_content_refused(client, host):
    page = _post_new(client, make_call(), content_new="").get_data(as_text=True)
    assert "（规则 HS-P3）" in page and _proposals() == []


def test_HS_P4_below_the_guidance_needs_a_reason(client, host):
    call = make_call()
    short = {"hours_onsite": 30, "hours_seminar": 10, "hours_exchange": 2}
    page = _post_new(client, call, **short).get_data(as_text=True)
    assert 'id="hours_reason-error" class="field-error">累计学时一般不少于80学时' in page
    assert _proposals() == []
    _post_new(client, call, hours_reason="企业生产任务重，分两阶段集中研修", **short)
    (proposal,) = _proposals()
    assert proposal.total_hours == 62 and proposal.hours_reason.startswith("企业生产任务重")


def test_HS_P4_negative_hours_refused_so_seminars_cannot_exceed_the_total(client, host):
    page = _post_new(client, make_call(), hours_onsite=-60).get_data(as_text=True)
    assert "学时须为0–2000之间的整数" in page and _proposals() == []


def test_HS_P4_live_check_shows_totals_and_the_flag(client, host):
    url = f"{BASE}/check-hours"
    ok = client.post(url, htmx=True, data={"hours_onsite": "60", "hours_seminar": "12",
                                           "hours_exchange": "8"}).get_data(as_text=True)
    assert "<html" not in ok and 'id="hs-total-hours">80<' in ok
    assert 'id="hs-seminar-hours">20<' in ok and "学时符合一般要求" in ok
    low = client.post(url, htmx=True, data={"hours_onsite": "70", "hours_seminar": "10",
                                            "hours_exchange": "5"}).get_data(as_text=True)
    assert 'id="hs-total-hours">85<' in low and "学时低于一般要求：请在下方填写理由" in low
    typed_wrong = client.post(url, htmx=True, data={"hours_onsite": "-30", "hours_seminar": "20"})
    assert "研讨、交流学时不能超过累计学时" in typed_wrong.get_data(as_text=True)
    assert client.post(url, data={"hours_onsite": "60"}).status_code == 400  # no htmx: no page


def test_HS_W2_edit_a_draft_then_a_submitted_one_is_read_only(client, host):
    call = make_call()
    proposal = make_proposal(host, call)
    edit = client.get(f"{BASE}/{proposal.id}/edit").get_data(as_text=True)
    assert proposal.title in edit and "授课教师" in edit
    response = client.post(f"{BASE}/{proposal.id}/edit",
                           data=form_data(plan(call.year, title="改过的项目名称")))
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(HsProposal, proposal.id).title == "改过的项目名称"
    submitted = make_proposal(host, call, state=ProposalState.SUBMITTED)
    page = client.get(f"{BASE}/{submitted.id}/edit", follow_redirects=True)
    assert "该实施方案已提交，不能修改" in page.get_data(as_text=True)
    client.post(f"{BASE}/{submitted.id}/edit", data=form_data(plan(call.year, title="偷改")))
    db.session.rollback()
    assert db.session.get(HsProposal, submitted.id).title != "偷改"


def test_HS_P3_teachers_added_and_removed_in_place(client, host):
    proposal = make_proposal(host, make_call(), teachers=0)
    url = f"{BASE}/{proposal.id}/teachers"
    answer = client.post(url, htmx=True, data={
        "teacher-name": "李大师", "teacher-kind": "studio_leader", "teacher-title": "高级技师",
        "teacher-employer": "北京精工", "teacher-topic": "精密测量"})
    body = answer.get_data(as_text=True)
    assert "<html" not in body and "李大师" in body and "技能大师工作室领办人" in body
    assert "已添加授课教师" in answer.headers["HX-Trigger"].encode().decode("unicode_escape")
    refused = client.post(url, htmx=True, data={"teacher-name": "", "teacher-kind": "expert"})
    assert "请填写教师姓名" in refused.get_data(as_text=True)
    db.session.rollback()
    (teacher,) = db.session.scalars(sa.select(HsTeacher).where(
        HsTeacher.proposal_id == proposal.id))
    client.post(f"{url}/{teacher.id}/remove")  # without htmx: back to the edit page
    db.session.rollback()
    assert db.session.scalars(sa.select(HsTeacher)).all() == []


def test_HS_W2_other_hosts_proposal_is_not_found(client, host):
    other, _user = make_host()
    theirs = make_proposal(other, make_call())
    for path in ("", "/edit", "/print", "/annex.xlsx"):
        assert client.get(f"{BASE}/{theirs.id}{path}").status_code == 404
    assert client.post(f"{BASE}/{theirs.id}/submit").status_code == 404


def test_HS_W2_university_host_uses_the_host_pages(client, login):
    org, user = make_host(OrgKind.HOST)
    login(user)
    call = make_call()
    assert client.get(f"/host/hs/proposals/new?call_id={call.id}").status_code == 200
    response = client.post(f"/host/hs/proposals/new?call_id={call.id}",
                           data=form_data(plan(call.year)))
    assert response.status_code == 302 and _proposals()[0].host_id == org.id
