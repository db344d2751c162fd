"""The host's trainee list through the real stack: HS-E1…E3, C-ID1, C-PII, HS-P2, HS-W4."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import (
    Apprentice,
    FilingKind,
    HsFiling,
    HsProposal,
    HsTrainee,
    ProposalState,
    Role,
    User,
)
from tests.enrolment_factories import resident_id
from tests.factories import make_user
from tests.high_skill.factories_calls import make_host
from tests.high_skill.factories_rosters import add_trainees, form_data, make_project, trainee_values


def _add(client, project, **fields):
    values = trainee_values(**fields)
    response = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/new",
                           data=form_data(values), follow_redirects=True)
    return response, values


def _count(project) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(HsTrainee)
                             .where(HsTrainee.proposal_id == project.id))


def test_host_adds_a_trainee_and_the_list_masks_the_id(client, login):
    project, user = make_project()
    login(user)
    response, values = _add(client, project)
    page = response.get_data(as_text=True)
    assert "已加入学员名单" in page
    assert values["resident_id"] not in page  # C-PII
    assert values["resident_id"][:6] + "********" + values["resident_id"][-4:] in page
    assert _count(project) == 1


def test_HS_E1_advanced_worker_without_key_industry_exception_refused(client, login):
    project, user = make_project()
    login(user)
    response, _ = _add(client, project, level="advanced")
    assert "规则 HS-E1" in response.get_data(as_text=True)
    assert _count(project) == 0


def test_HS_E1_key_industry_advanced_worker_needs_a_reason_and_is_flagged(client, login):
    project, user = make_project()
    login(user)
    response, _ = _add(client, project, level="advanced", key_industry=True)
    assert "须说明理由" in response.get_data(as_text=True)
    assert _count(project) == 0
    response, _ = _add(client, project, level="advanced", key_industry=True,
                       key_industry_reason="集成电路重点岗位")
    assert "重点产业高级工" in response.get_data(as_text=True)
    assert _count(project) == 1


def test_HS_E2_eleven_months_of_social_insurance_refused(client, login):
    project, user = make_project()
    login(user)
    response, _ = _add(client, project, insured_months=11)
    assert "规则 HS-E2" in response.get_data(as_text=True)
    assert _count(project) == 0
    response, _ = _add(client, project, insured_months=12)
    assert _count(project) == 1


def test_HS_E3_trainee_who_attended_last_year_refused(client, login):
    year = (clock.today() + timedelta(days=30)).year
    earlier, _ = make_project(year=year - 1, state=ProposalState.COMPLETED)
    person = add_trainees(earlier, 1)[0]
    project, user = make_project()
    login(user)
    response, _ = _add(client, project, resident_id=person.resident_id)
    assert "规则 HS-E3" in response.get_data(as_text=True)
    assert _count(project) == 0


def test_HS_E3_two_years_later_is_accepted_and_unfiled_lists_do_not_count(client, login):
    year = (clock.today() + timedelta(days=30)).year
    long_ago, _ = make_project(year=year - 2, state=ProposalState.COMPLETED)
    draft, _ = make_project(year=year)  # approved, not filed: nobody attended yet
    rid = resident_id()
    add_trainees(long_ago, 1, resident_id=rid)
    add_trainees(draft, 1, resident_id=rid)
    project, user = make_project()
    login(user)
    _add(client, project, resident_id=rid)
    assert _count(project) == 1


def test_HS_E3_problem_that_appeared_later_shows_on_the_row_and_blocks_filing(client, login):
    project, user = make_project(starts_in=20)
    rows = add_trainees(project, 20)
    other, _ = make_project(state=ProposalState.FILED)
    add_trainees(other, 1, resident_id=rows[0].resident_id)
    login(user)
    page = client.get(f"/enterprise/hs/projects/{project.id}/trainee-list").get_data(as_text=True)
    assert "规则 HS-E3" in page
    response = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file",
                           follow_redirects=True)
    assert "1 名学员不符合条件" in response.get_data(as_text=True)
    assert db.session.get(HsProposal, project.id).state == ProposalState.APPROVED


def test_C_ID1_invalid_resident_id_refused(client, login):
    project, user = make_project()
    login(user)
    valid = resident_id()
    bad = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # any other check digit fails
    response, _ = _add(client, project, resident_id=bad)
    assert "规则 C-ID1" in response.get_data(as_text=True)
    assert _count(project) == 0


def test_HS_P2_class_of_19_refused(client, login):
    project, user = make_project(starts_in=20)
    add_trainees(project, 19)
    login(user)
    response = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file",
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "名单共 19 人" in page and "规则 HS-P2" in page
    assert db.session.get(HsProposal, project.id).filed_version == 0


def test_HS_P2_a_31st_trainee_refused(client, login):
    project, user = make_project(starts_in=20, quota=30)
    add_trainees(project, 31)
    login(user)
    page = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file",
                       follow_redirects=True).get_data(as_text=True)
    assert "规则 HS-P2" in page and "超过核定研修人数 30 人" in page
    assert db.session.get(HsProposal, project.id).state == ProposalState.APPROVED


def test_HS_W4_list_above_the_quota_refused(client, login):
    project, user = make_project(starts_in=20, quota=22)
    add_trainees(project, 23)
    login(user)
    page = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file",
                       follow_redirects=True).get_data(as_text=True)
    assert "超过核定研修人数 22 人" in page and "规则 HS-W4" in page
    assert "规则 HS-P2" not in page


def test_HS_W4_filed_six_days_before_start_refused_with_due_date(client, login):
    project, user = make_project(starts_in=6)
    add_trainees(project, 20)
    login(user)
    page = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file",
                       follow_redirects=True).get_data(as_text=True)
    due = (project.starts_on - timedelta(days=7)).isoformat()
    assert f"最迟应于 {due} 备案" in page and "规则 HS-W4" in page
    assert db.session.get(HsProposal, project.id).state == ProposalState.APPROVED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HsFiling)) == 0


def test_HS_W4_filed_seven_days_before_start_writes_version_one_and_accounts(client, login):
    project, user = make_project(starts_in=7)
    rows = add_trainees(project, 20)
    # The same person as an apprentice: that account is the enterprise's to manage, so the
    # host gets an account of its own for the listing, never the apprentice's.
    known = make_user(Role.TRAINEE)
    db.session.add(Apprentice(name=rows[0].name, resident_id=rows[0].resident_id,
                              mobile="13911112222", user_id=known.id))
    db.session.commit()
    login(user)
    page = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file",
                       follow_redirects=True).get_data(as_text=True)
    assert "学员名单和培训计划已备案" in page
    db.session.expire_all()
    filed = db.session.get(HsProposal, project.id)
    assert (filed.state, filed.filed_version) == (ProposalState.FILED, 1)
    filing = db.session.scalars(sa.select(HsFiling)).one()
    assert (filing.kind, filing.version, filing.filed_by_id) == (
        FilingKind.LIST_AND_PLAN, 1, user.id)
    assert len(filing.snapshot["trainees"]) == 20
    assert filing.snapshot["plan"]["starts_on"] == project.starts_on.isoformat()
    assert filing.snapshot["plan"]["teachers"][0]["name"] == "张大师"
    trainees = db.session.scalars(sa.select(HsTrainee).order_by(HsTrainee.id)).all()
    assert trainees[0].user_id not in (None, known.id)
    accounts = {t.user_id for t in trainees}
    assert None not in accounts and len(accounts) == 20
    assert db.session.get(User, trainees[1].user_id).role == Role.TRAINEE
    assert db.session.get(User, trainees[1].user_id).username == trainees[1].phone


def test_HS_W5_host_editing_a_filed_list_refused(client, login):
    project, user = make_project(starts_in=10, state=ProposalState.FILED, filed_version=1)
    row = add_trainees(project, 20)[0]
    login(user)
    values = {**trainee_values(), "name": "改名"}
    response = client.post(f"/enterprise/hs/trainee-list/{row.id}/edit", data=form_data(values),
                           follow_redirects=True)
    assert "规则 HS-W5" in response.get_data(as_text=True)
    response = client.post(f"/enterprise/hs/trainee-list/{row.id}/remove",
                           follow_redirects=True)
    assert "规则 HS-W5" in response.get_data(as_text=True)
    response, _ = _add(client, project)
    assert "规则 HS-W5" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(HsTrainee, row.id).name == row.name
    assert _count(project) == 20


def test_host_removes_a_trainee_before_filing(client, login):
    project, user = make_project()
    row = add_trainees(project, 2)[0]
    login(user)
    client.post(f"/enterprise/hs/trainee-list/{row.id}/remove")
    assert _count(project) == 1


def test_another_host_sees_no_list(client, login):
    project, _ = make_project()
    _, stranger = make_host()
    login(stranger)
    assert client.get(f"/enterprise/hs/projects/{project.id}/trainee-list").status_code == 404


def test_centre_reads_the_list_without_edit_buttons(client, login):
    project, _ = make_project()
    add_trainees(project, 1)
    login(make_user(Role.CENTER))
    response = client.get(f"/center/hs/projects/{project.id}/trainee-list")
    assert response.status_code == 200
    assert "添加学员" not in response.get_data(as_text=True)


def test_HS_W4_a_second_filing_of_the_same_list_is_refused(client, login):
    project, user = make_project(starts_in=10)
    add_trainees(project, 20)
    login(user)
    client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file")
    page = client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file",
                       follow_redirects=True).get_data(as_text=True)
    assert "已备案" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HsFiling)) == 1


def test_filed_trainee_gets_an_initial_password_once_and_can_log_in(client, login, app):
    project, user = make_project(starts_in=10)
    rows = add_trainees(project, 20)
    login(user)
    client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file")
    response = client.post(f"/enterprise/hs/trainee-list/{rows[0].id}/password")
    assert response.headers["Cache-Control"] == "private, no-store"
    page = response.get_data(as_text=True)
    password = re.search(r'class="secret">([^<]+)<', page).group(1)
    client.post("/logout")
    other = app.test_client()
    answer = other.post("/login", data={"username": rows[0].phone, "password": password},
                        headers={"X-CSRFToken": other.csrf_token()})
    assert (answer.status_code, answer.headers["Location"]) == (302, "/m/")
    # The first page asks for a new password (must_change_password).
    assert "password" in other.get("/m/").headers["Location"]


def test_an_assigned_expert_never_sees_the_trainees(client, login):
    from portal.models import HsAssignment

    project, _ = make_project()
    add_trainees(project, 1)
    expert = make_user(Role.EXPERT)
    db.session.add(HsAssignment(proposal_id=project.id, expert_id=expert.id))
    db.session.commit()
    login(expert)
    assert client.get(f"/expert/hs/projects/{project.id}/trainee-list").status_code == 404


def test_trainee_list_page_runs_a_constant_number_of_queries(client, login, count_queries):
    project, user = make_project()
    add_trainees(project, 3)
    login(user)
    url = f"/enterprise/hs/projects/{project.id}/trainee-list"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    add_trainees(project, 20)
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_C_PII_a_host_cannot_take_over_an_account_another_organisation_manages(client, login):
    """A resident ID typed by a host never hands it the apprentice's account to reset."""
    project, user = make_project(starts_in=10)
    rows = add_trainees(project, 20)
    apprentice_account = make_user(Role.TRAINEE)
    before = apprentice_account.password_hash
    db.session.add(Apprentice(name=rows[0].name, resident_id=rows[0].resident_id,
                              mobile="13911112222", user_id=apprentice_account.id))
    db.session.commit()
    login(user)
    client.post(f"/enterprise/hs/projects/{project.id}/trainee-list/file")
    response = client.post(f"/enterprise/hs/trainee-list/{rows[0].id}/password",
                           follow_redirects=True)
    assert "初始密码" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(HsTrainee, rows[0].id).user_id != apprentice_account.id
    assert db.session.get(User, apprentice_account.id).password_hash == before


def test_C_PII_a_shared_account_is_not_reset_by_a_host(app, db):
    from portal.core.errors import NotAllowed
    from portal.high_skill.rosters import accounts

    project, user = make_project(starts_in=10, state=ProposalState.FILED, filed_version=1)
    row = add_trainees(project, 1)[0]
    apprentice_account = make_user(Role.TRAINEE)
    db.session.add(Apprentice(name=row.name, resident_id=row.resident_id,
                              mobile="13911112223", user_id=apprentice_account.id))
    row.user_id = apprentice_account.id  # linked before the rule, or by hand
    db.session.commit()
    with pytest.raises(NotAllowed):
        accounts.issue_initial_password(user, row, project)
