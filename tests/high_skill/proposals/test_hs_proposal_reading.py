"""HS-W2 reading: the host's and the centre's lists (filters, HS-P4 flag, paging in a
constant number of queries), the detail page for assigned experts, print and xlsx export."""

from datetime import date
from io import BytesIO

import openpyxl

from portal.extensions import db
from portal.models import HsAssignment, ProposalState, Role
from tests.factories import make_user
from tests.high_skill.factories_proposals import make_call, make_host, make_proposal


def _centre(login):
    return login(make_user(Role.CENTER))


def test_HS_W2_host_list_shows_own_proposals_in_every_state(client, login):
    org, user = make_host()
    other, _ = make_host()
    call = make_call()
    mine = [make_proposal(org, call, state=s, title=f"本单位项目{s.value}")
            for s in (ProposalState.DRAFT, ProposalState.SUBMITTED, ProposalState.WITHDRAWN)]
    make_proposal(other, call, title="别人的项目")
    login(user)
    page = client.get("/enterprise/hs/proposals").get_data(as_text=True)
    assert all(p.title in page for p in mine) and "别人的项目" not in page
    assert "新建实施方案" in page
    drafts = client.hx_get("/enterprise/hs/proposals?state=draft").get_data(as_text=True)
    assert "<html" not in drafts and "本单位项目draft" in drafts
    assert "本单位项目submitted" not in drafts


def test_HS_P4_centre_list_filters_and_flags(client, login):
    org, _ = make_host()
    call = make_call()
    earlier = make_call(date(call.year - 1, 1, 1), date(call.year - 1, 12, 31), title="去年的征集")
    flagged = make_proposal(org, call, state=ProposalState.SUBMITTED, title="学时不足的项目",
                            hours_onsite=10, hours_reason="线上为主")
    make_proposal(org, call, state=ProposalState.DRAFT, title="草稿项目")
    make_proposal(org, earlier, state=ProposalState.APPROVED, title="去年的项目")
    _centre(login)
    page = client.get("/center/hs/proposals").get_data(as_text=True)
    assert all(t in page for t in ("学时不足的项目", "草稿项目", "去年的项目", org.name))
    assert page.count("低于一般要求") == 1
    submitted = client.get("/center/hs/proposals?state=submitted").get_data(as_text=True)
    assert "学时不足的项目" in submitted and "草稿项目" not in submitted
    by_year = client.get(f"/center/hs/proposals?year={call.year - 1}").get_data(as_text=True)
    assert "去年的项目" in by_year and "草稿项目" not in by_year
    by_call = client.get(f"/center/hs/proposals?call_id={earlier.id}").get_data(as_text=True)
    assert "去年的项目" in by_call and "学时不足的项目" not in by_call
    junk = client.get("/center/hs/proposals?state=nope&year=abc&call_id=x")
    assert junk.status_code == 200 and "草稿项目" in junk.get_data(as_text=True)
    detail = client.get(f"/center/hs/proposals/{flagged.id}").get_data(as_text=True)
    assert "学时低于一般要求（HS-P4）" in detail and "承办单位说明的理由" in detail
    assert "线上为主" in detail and "提交实施方案" not in detail


def test_HS_W2_centre_list_pages_in_a_constant_number_of_queries(client, login, count_queries):
    call = make_call()
    _centre(login)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/center/hs/proposals?per_page=50").status_code == 200
        return len(statements)

    org, _ = make_host()
    make_proposal(org, call, state=ProposalState.SUBMITTED)
    few = queries()
    for _ in range(6):
        host, _ = make_host()
        make_proposal(host, call, state=ProposalState.SUBMITTED, teachers=0)
    assert queries() == few


def test_HS_W2_expert_reads_only_assigned_proposals(client, login):
    org, _ = make_host()
    call = make_call()
    assigned = make_proposal(org, call, state=ProposalState.SUBMITTED, title="分配给我的项目")
    other = make_proposal(org, call, state=ProposalState.SUBMITTED)
    expert = make_user(Role.EXPERT)
    db.session.add(HsAssignment(proposal_id=assigned.id, expert_id=expert.id))
    db.session.commit()
    login(expert)
    page = client.get(f"/expert/hs/proposals/{assigned.id}").get_data(as_text=True)
    assert "分配给我的项目" in page and "四、授课教师" in page and "张教授0" in page
    assert "提交实施方案" not in page and f"/hs/proposals/{assigned.id}/edit" not in page
    assert client.get(f"/expert/hs/proposals/{other.id}").status_code == 404
    assert client.get(f"/expert/hs/proposals/{assigned.id}/annex.xlsx").status_code == 200
    assert client.post(f"/enterprise/hs/proposals/{assigned.id}/submit").status_code == 403


def test_HS_W2_print_view_in_the_shape_of_annex_1(client, login):
    org, user = make_host()
    call = make_call()
    proposal = make_proposal(org, call, state=ProposalState.SUBMITTED, hours_onsite=10,
                             hours_reason="分阶段研修")
    login(user)
    page = client.get(f"/enterprise/hs/proposals/{proposal.id}/print").get_data(as_text=True)
    sections = ["一、基本情况", "二、研修目标", "三、研修内容", "四、授课教师", "五、研修形式与学时",
                "六、研修人数与班额", "七、研修时间与地点", "八、承诺"]
    positions = [page.index(s) for s in sections]
    assert positions == sorted(positions)
    assert f"{call.year}年北京市高技能人才研修培训项目实施方案" in page
    assert "css/hs_proposal.css" in page and "承办单位（盖章）" in page
    assert "学时低于一般要求" in page and "分阶段研修" in page
    assert "本单位承诺自行组织实施，不转包、分包研修项目" in page


def _sheet_rows(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(BytesIO(data)).active
    return [tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]


def test_HS_W2_xlsx_export_in_the_shape_of_annex_1(client, login):
    org, user = make_host()
    call = make_call()
    proposal = make_proposal(org, call, title='=HYPERLINK("http://evil.example","点我")',
                             hours_onsite=10, hours_reason="分阶段研修")
    login(user)
    response = client.get(f"/enterprise/hs/proposals/{proposal.id}/annex.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = _sheet_rows(response.data)
    assert rows[0] == (f"{call.year}年北京市高技能人才研修培训项目实施方案",)
    values = dict(r for r in rows if len(r) == 2)
    assert values["承办单位"] == org.name and values["统一社会信用代码"] == org.credit_code
    assert values["涉及职业（工种）"] == "6-18-01-01 车工、6-18-01-02 铣工"
    assert (values["累计学时"], values["其中研讨、交流学时"]) == (54, 24)
    assert values["低于一般要求（规则 HS-P4）"] == "是" and values["理由"] == "分阶段研修"
    assert values["每班人数"] == 25 and values["不转包、分包（规则 HS-H3）"] == "已承诺"
    assert ("序号", "姓名", "类别", "职称或技能等级", "工作单位", "授课内容") in rows
    assert (1, "张教授0", "专家学者", "教授", "北京工业大学", "五轴加工") in rows
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    title_cell = next(c for row in sheet.iter_rows() for c in row
                      if c.value == proposal.title)
    assert title_cell.data_type == "s" and title_cell.quotePrefix  # defused, not a formula


def test_HS_W2_host_worklist_counts_drafts_and_links_to_them(client, login):
    org, user = make_host()
    call = make_call()
    make_proposal(org, call)
    make_proposal(org, call, state=ProposalState.SUBMITTED)
    login(user)
    home = client.get("/enterprise/", follow_redirects=True).get_data(as_text=True)
    item = home.split('id="work-hs-proposal-drafts"')[1].split("</li>")[0]
    assert "研修项目实施方案草稿待提交" in item and '<strong class="work-count">1</strong>' in item
    assert 'href="/enterprise/hs/proposals?state=draft"' in item
