"""HS-W8: the completion filing: roster (annex 3) + project summary + trainees' summaries,
not before the end, every trainee assessed; FILED → COMPLETED once; late after 14 days is
accepted and flagged to the centre; the roster exports as xlsx in annex 3's shape."""

import io
from datetime import timedelta

import openpyxl
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import (
    AuditLog,
    FilingKind,
    HsFiling,
    HsProposal,
    Organisation,
    ProposalState,
    Role,
)
from portal.rules.high_skill import hs_gender
from tests.factories import make_user
from tests.high_skill.factories_delivery import (
    assess_all,
    ended_project,
    give_summary,
    make_host_user,
    make_hs_trainee,
)

SUMMARY = "本期研修围绕五轴数控加工新工艺开展，共组织专题讲座、现场教学、研讨交流等活动，学员普遍掌握了新技术要点并结合生产难题提出改进方案。"


def setup_project(days_ago: int = 1, failed: int = 1):
    host_user = make_host_user()
    project = ended_project(host_user, days_ago=days_ago)
    passed = [make_hs_trainee(project) for _ in range(2)]
    for t in passed:
        give_summary(t)
        assess_all(t, "pass")
    flunked = [make_hs_trainee(project) for _ in range(failed)]
    for t in flunked:
        assess_all(t, "fail")
    return host_user, project, passed, flunked


def file(host, project, summary: str = SUMMARY):
    return host.post(f"/enterprise/hs/delivery/{project.id}/completion", data={"summary": summary})


def state_of(project) -> ProposalState:
    db.session.rollback()
    return db.session.get(HsProposal, project.id).state


def filings(project) -> list[HsFiling]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(HsFiling).where(
        HsFiling.proposal_id == project.id, HsFiling.kind == FilingKind.COMPLETION)))


def test_HS_W8_completion_filed_in_time_with_roster_snapshot(db, client_for):
    host_user, project, passed, flunked = setup_project()
    host = client_for(host_user)
    page = host.get(f"/enterprise/hs/delivery/{project.id}/completion").get_data(as_text=True)
    assert "结业名册预览（考核合格 2 人）" in page and passed[0].name in page
    assert passed[0].resident_id not in page  # C-PII: masked on the page
    response = file(host, project)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert state_of(project) == ProposalState.COMPLETED
    [filing] = filings(project)
    assert filing.late is False and filing.filed_on == clock.today()
    assert filing.version == 1 and filing.summary == SUMMARY
    roster = filing.snapshot["roster"]
    assert [r["trainee_id"] for r in roster] == [t.id for t in passed]
    assert set(roster[0]) == {"trainee_id", "name", "resident_id", "employer_name", "post",
                              "occupation", "level", "certificate_number"}
    assert roster[0]["resident_id"] == passed[0].resident_id
    assert [r["trainee_id"] for r in filing.snapshot["failed"]] == [flunked[0].id]
    assert set(filing.snapshot["summaries"]) == {str(t.id) for t in passed}
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "file_completion"))
    assert (audit.from_state, audit.to_state) == ("filed", "completed")
    # A second click changes nothing.
    file(host, project)
    assert len(filings(project)) == 1
    done = host.get(f"/enterprise/hs/delivery/{project.id}/completion").get_data(as_text=True)
    assert "已备案结业名册（2 人）" in done and "按期报送" in done


def test_HS_W8_not_before_the_end_date(db, client_for):
    host_user, project, passed, _ = setup_project()
    project.ends_on = clock.today() + timedelta(days=1)
    db.session.commit()
    host = client_for(host_user)
    page = host.get(f"/enterprise/hs/delivery/{project.id}/completion").get_data(as_text=True)
    assert "之前不能报送结业备案（规则 HS-W8）" in page
    response = file(host, project)
    assert "之前不能报送结业备案（规则 HS-W8）" in response.get_data(as_text=True)
    assert state_of(project) == ProposalState.FILED and filings(project) == []


def test_HS_W7_every_trainee_assessed_before_filing(db, client_for):
    host_user, project, _, _ = setup_project()
    make_hs_trainee(project)  # not assessed
    response = file(client_for(host_user), project)
    assert "还有 1 名学员未完成结业考核（规则 HS-W7）" in response.get_data(as_text=True)
    assert state_of(project) == ProposalState.FILED


def test_HS_W8_project_summary_required(db, client_for):
    host_user, project, _, _ = setup_project()
    response = file(client_for(host_user), project, summary="总结")
    assert "研修培训工作总结" in response.get_data(as_text=True)
    assert "（规则 HS-W8）" in response.get_data(as_text=True)
    assert state_of(project) == ProposalState.FILED


def test_HS_W8_late_filing_is_accepted_and_flagged_to_the_centre(db, client_for):
    host_user, project, _, _ = setup_project(days_ago=17)  # deadline was 3 days ago
    host = client_for(host_user)
    page = host.get(f"/enterprise/hs/delivery/{project.id}/completion").get_data(as_text=True)
    assert "将标记为逾期报送" in page
    assert file(host, project).status_code == 302
    [filing] = filings(project)
    assert filing.late is True
    assert "逾期 3 天" in db.session.scalar(
        sa.select(AuditLog.comment).where(AuditLog.action == "file_completion"))
    centre = client_for(make_user(Role.CENTER))
    listing = centre.get("/center/hs/completions?late=1").get_data(as_text=True)
    assert project.title in listing and "逾期 3 天" in listing and "is-flagged" in listing
    assert project.title not in centre.get("/center/hs/completions?late=0").get_data(as_text=True)
    roster = centre.get(f"/center/hs/delivery/{project.id}/completion").get_data(as_text=True)
    assert "逾期 3 天" in roster and "已备案结业名册（2 人）" in roster


def test_HS_W8_a_filing_on_the_14th_day_is_in_time(db, client_for):
    host_user, project, _, _ = setup_project(days_ago=14)
    assert file(client_for(host_user), project).status_code == 302
    assert filings(project)[0].late is False


def sheet_of(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def test_HS_W8_roster_xlsx_in_annex_3_shape(db, client_for):
    host_user, project, passed, flunked = setup_project()
    passed[0].name = "=HYPERLINK(\"http://x\")"  # user text never runs as a formula
    db.session.commit()
    host = client_for(host_user)
    file(host, project)
    with host.get(f"/enterprise/hs/delivery/{project.id}/roster.xlsx") as response:
        sheet = sheet_of(response)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "北京市高技能人才研修培训结业登记备案名册"
    host_name = db.session.get(Organisation, project.host_id).name
    assert rows[1][:2] == ["项目名称", project.title] and rows[1][4:6] == ["承办单位", host_name]
    assert rows[2][0] == "研修时间" and str(project.ends_on) in rows[2][1]
    assert rows[2][4:6] == ["累计学时", project.total_hours]
    assert rows[3] == ["序号", "姓名", "性别", "身份证号", "工作单位", "岗位", "职业（工种）",
                       "技能等级", "证书编号", "考核结果"]
    first, second = rows[4], rows[5]
    assert first[0] == 1 and first[3] == passed[0].resident_id  # the host's own: whole
    assert first[2] == hs_gender(passed[0].resident_id) and first[7] == "技师"
    assert first[8] == passed[0].certificate_number and first[9] == "合格"
    assert second[1] == passed[1].name
    assert sheet.cell(row=5, column=4).number_format == "@"  # ID numbers as text
    assert sheet.cell(row=5, column=2).quotePrefix  # defused
    assert flunked[0].name not in [r[1] for r in rows]
    assert rows[-1][:2] == ["合计", "2 人"]
    # The centre's copy masks the ID numbers (C-PII) and the export is audited.
    centre = client_for(make_user(Role.CENTER))
    with centre.get(f"/center/hs/delivery/{project.id}/roster.xlsx") as response:
        masked = sheet_of(response)
    assert masked.cell(row=5, column=4).value != passed[0].resident_id
    assert masked.cell(row=5, column=4).value.startswith(passed[0].resident_id[:6])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "export_roster")) == 2


def test_HS_W8_centre_sees_no_roster_before_it_is_filed(db, client_for):
    _host_user, project, _, _ = setup_project()
    centre = client_for(make_user(Role.CENTER))
    assert centre.get(f"/center/hs/delivery/{project.id}/roster.xlsx").status_code == 404
    assert centre.post(f"/center/hs/delivery/{project.id}/completion",
                       data={"summary": SUMMARY}).status_code == 405
    assert state_of(project) == ProposalState.FILED
