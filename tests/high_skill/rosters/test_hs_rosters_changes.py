"""Filed changes (HS-W5): new versions with a reason, the history and its differences, the
centre's list of filings and the hosts' worklist kind."""

from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import (
    FilingKind,
    HsFiling,
    HsProposal,
    HsTeacher,
    HsTrainee,
    ProposalState,
    Role,
)
from portal.worklist.registry import worklist_for
from tests.factories import make_user
from tests.high_skill.factories_rosters import add_trainees, make_project, sheet, trainee_values


def _filed_project(client, login, *, size: int = 21, starts_in: int = 30):
    project, user = make_project(starts_in=starts_in)
    rows = add_trainees(project, size)
    login(user)
    response = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file")
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.get(HsProposal, project.id), rows, user


def _plan(project, **changes) -> dict:
    data = {"starts_on": project.starts_on.isoformat(), "ends_on": project.ends_on.isoformat(),
            "mode": str(project.mode), "venue": project.venue,
            "teachers": "张大师｜技能大师工作室领办人｜高级技师｜北京精工｜五轴加工"}
    for key in ("onsite", "keynote", "seminar", "exchange", "visit", "online"):
        data[f"hours_{key}"] = str(getattr(project, f"hours_{key}"))
    data.update(changes)
    return data


def _change(client, project, data: dict, additions: bytes | None = None):
    if additions is not None:
        data = {**data, "additions": (BytesIO(additions), "新增.xlsx")}
    return client.post(f"/enterprise/hs/projects/{project.id}/filings/change", data=data,
                       content_type="multipart/form-data", follow_redirects=True)


def _versions(project) -> list[int]:
    return list(db.session.scalars(sa.select(HsFiling.version).where(
        HsFiling.proposal_id == project.id).order_by(HsFiling.version)))


def test_HS_W5_change_with_reason_files_version_two_and_history_shows_the_diff(client, login):
    project, rows, _ = _filed_project(client, login)
    newcomer = trainee_values(name="新学员甲")
    data = _plan(project, reason="场地调整，一名学员调岗", venue="北京市海淀区实训基地",
                 hours_online="4", remove=str(rows[0].id),
                 teachers="张大师｜技能大师工作室领办人｜高级技师｜北京精工｜五轴加工\n"
                          "李教授｜专家学者｜教授｜北京理工大学｜智能制造")
    page = _change(client, project, data, additions=sheet([newcomer])).get_data(as_text=True)
    assert "变更已备案" in page
    db.session.expire_all()
    changed = db.session.get(HsProposal, project.id)
    assert changed.filed_version == 2 and changed.venue == "北京市海淀区实训基地"
    assert changed.hours_online == 4
    assert _versions(project) == [1, 2]
    v2 = db.session.scalars(sa.select(HsFiling).where(HsFiling.version == 2)).one()
    assert (v2.kind, v2.reason) == (FilingKind.CHANGE, "场地调整，一名学员调岗")
    assert len(v2.snapshot["trainees"]) == 21
    assert db.session.get(HsTrainee, rows[0].id).removed_at is not None
    added = db.session.scalars(sa.select(HsTrainee).where(HsTrainee.name == "新学员甲")).one()
    assert added.user_id is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HsTeacher).where(
        HsTeacher.proposal_id == project.id)) == 2
    # The history: who, when, why, and what changed, read from the snapshots.
    assert "场地调整，一名学员调岗" in page
    assert "北京市朝阳区技能大厦" in page and "北京市海淀区实训基地" in page
    assert "新学员甲" in page and rows[0].name in page
    assert "李教授" in page
    assert rows[0].resident_id not in page  # C-PII


def test_HS_W5_change_without_a_reason_refused(client, login):
    project, _, _ = _filed_project(client, login)
    page = _change(client, project, _plan(project, reason="", venue="别处")).get_data(
        as_text=True)
    assert "规则 HS-W5" in page
    assert _versions(project) == [1]


def test_HS_W5_change_that_changes_nothing_refused(client, login):
    project, _, _ = _filed_project(client, login)
    page = _change(client, project, _plan(project, reason="无")).get_data(as_text=True)
    assert "没有任何变更内容" in page
    assert _versions(project) == [1]


def test_HS_W4_change_adding_a_trainee_six_days_before_start_refused(client, login):
    project, _, _ = _filed_project(client, login, starts_in=7)
    db.session.execute(sa.update(HsProposal).where(HsProposal.id == project.id).values(
        starts_on=clock.today() + timedelta(days=6)))
    db.session.commit()
    db.session.refresh(project)
    page = _change(client, project, _plan(project, reason="补报一人"),
                   additions=sheet([trainee_values()])).get_data(as_text=True)
    due = (project.starts_on - timedelta(days=7)).isoformat()
    assert f"最迟 {due}" in page and "规则 HS-W4" in page
    assert _versions(project) == [1]


def test_HS_E2_trainee_added_by_a_change_is_checked(client, login):
    project, _, _ = _filed_project(client, login)
    page = _change(client, project, _plan(project, reason="补报"),
                   additions=sheet([trainee_values(insured_months=11)])).get_data(as_text=True)
    assert "规则 HS-E2" in page
    assert _versions(project) == [1]


def test_HS_P2_change_leaving_a_class_of_19_refused(client, login):
    project, rows, _ = _filed_project(client, login, size=20)
    page = _change(client, project, _plan(project, reason="一人离职", remove=str(rows[0].id))
                   ).get_data(as_text=True)
    assert "名单共 19 人" in page and "规则 HS-P2" in page
    db.session.expire_all()
    assert db.session.get(HsTrainee, rows[0].id).removed_at is None


def test_HS_W5_change_after_the_end_date_refused(client, login):
    project, _, _ = _filed_project(client, login)
    yesterday = clock.today() - timedelta(days=1)
    db.session.execute(sa.update(HsProposal).where(HsProposal.id == project.id).values(
        starts_on=yesterday - timedelta(days=3), ends_on=yesterday, year=yesterday.year))
    db.session.commit()
    db.session.refresh(project)
    page = _change(client, project, _plan(project, reason="补记", venue="别处")).get_data(
        as_text=True)
    assert "项目已到结束日期" in page
    assert _versions(project) == [1]


def test_HS_W5_change_page_is_not_offered_before_the_first_filing(client, login):
    project, user = make_project()
    login(user)
    assert client.get(f"/enterprise/hs/projects/{project.id}/filings/change").status_code == 403


def test_centre_lists_filings_city_wide_by_year_and_kind(client, login, count_queries):
    project, rows, _ = _filed_project(client, login)
    _change(client, project, _plan(project, reason="换场地", venue="别处"))
    client.post("/logout")
    login(make_user(Role.CENTER))
    page = client.get("/center/hs/filings").get_data(as_text=True)
    assert project.title in page and "换场地" in page
    only_changes = client.hx_get("/center/hs/filings?kind=change").get_data(as_text=True)
    assert "<html" not in only_changes and "变更备案" in only_changes
    assert "学员名单和培训计划备案" not in only_changes
    other_year = client.get(f"/center/hs/filings?year={project.year + 3}").get_data(as_text=True)
    assert project.title not in other_year
    history = client.get(f"/center/hs/projects/{project.id}/filings")
    assert history.status_code == 200 and "换场地" in history.get_data(as_text=True)
    with count_queries() as statements:
        client.get("/center/hs/filings")
    few = len(statements)
    for _ in range(3):
        more, _ = make_project(state=project.state)
        db.session.add(HsFiling(proposal_id=more.id, version=1, kind=FilingKind.LIST_AND_PLAN,
                                filed_on=clock.today(), snapshot={"plan": {}, "trainees": []}))
    db.session.commit()
    with count_queries() as statements:
        client.get("/center/hs/filings")
    assert len(statements) == few  # no query per row


def test_hosts_worklist_counts_unfiled_lists_and_links_the_due_dates(app, client, login):
    project, user = make_project(starts_in=9)
    make_project(state=ProposalState.FILED, filed_version=1)  # another host's, and filed
    with app.test_request_context():
        work = {w.key: w for w in worklist_for(user).items}["hs-list-filing"]
    assert work.count == 1
    login(user)
    page = client.get(work.url).get_data(as_text=True)
    assert project.title in page
    assert (project.starts_on - timedelta(days=7)).isoformat() in page


def test_history_lists_version_one_with_its_trainees(client, login):
    project, rows, _ = _filed_project(client, login)
    page = client.get(f"/enterprise/hs/projects/{project.id}/filings").get_data(as_text=True)
    assert "第 1 版" in page and "学员名单和培训计划备案" in page
    assert rows[5].name in page and rows[5].resident_id not in page


def test_HS_W4_no_trainee_joins_a_class_that_has_started(client, login):
    project, rows, _ = _filed_project(client, login, size=20)
    db.session.execute(sa.update(HsProposal).where(HsProposal.id == project.id).values(
        starts_on=clock.today() - timedelta(days=1)))
    db.session.commit()
    db.session.refresh(project)
    page = _change(client, project, _plan(project, reason="补报一人"),
                   additions=sheet([trainee_values()])).get_data(as_text=True)
    assert "已开班，不能再新增学员" in page
    assert _versions(project) == [1]


def test_HS_W5_started_class_changes_venue_and_end_date(client, login):
    project, _, _ = _filed_project(client, login, size=20)
    db.session.execute(sa.update(HsProposal).where(HsProposal.id == project.id).values(
        starts_on=clock.today() - timedelta(days=1)))
    db.session.commit()
    db.session.refresh(project)
    later_end = project.ends_on + timedelta(days=1)
    if later_end.year != project.year:
        later_end = project.ends_on
    page = _change(client, project, _plan(project, reason="场地检修", venue="备用教室",
                                          ends_on=later_end.isoformat())).get_data(as_text=True)
    assert "变更已备案" in page
    assert _versions(project) == [1, 2]
