"""HS-W7 (annex 2): the host assesses each trainee on attendance, attitude, participation and
the work summary, each 合格/不合格; the verdict is 合格 only with all four and a summary (HS-P5)."""

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditLog, HsTrainee, HsVerdict
from portal.models.base import utcnow
from tests.high_skill.factories_delivery import (
    attend,
    ended_project,
    give_summary,
    make_hs_session,
    make_hs_trainee,
    make_project,
)

ALL_PASS = {"score_attendance": "1", "score_attitude": "1", "score_participation": "1",
            "score_summary": "1"}


def reload(trainee: HsTrainee) -> HsTrainee:
    db.session.rollback()
    return db.session.get(HsTrainee, trainee.id)


def url(project, trainee) -> str:
    return f"/enterprise/hs/delivery/{project.id}/trainees/{trainee.id}/assess"


def checked(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*checked[^>]*name="{name}"[^>]*value="(\d)"'
                      rf'|<input[^>]*name="{name}"[^>]*value="(\d)"[^>]*checked', page)
    return next((g for g in match.groups() if g), None) if match else None


def test_HS_W7_assessment_refused_before_the_end(hs, client_for):
    trainee = hs.trainees[0]
    give_summary(trainee)
    host = client_for(hs.host_user)
    page = host.get(url(hs.project, trainee)).get_data(as_text=True)
    assert "才能进行结业考核" in page and "保存考核结果" not in page
    response = host.post(url(hs.project, trainee), data=ALL_PASS)
    assert "才能进行结业考核（规则 HS-W7）" in response.get_data(as_text=True)
    assert reload(trainee).verdict is None


def test_HS_W7_assessment_opens_once_the_planned_hours_are_held(hs, client_for):
    trainee = hs.trainees[0]
    give_summary(trainee)
    for _ in range(12):  # 96 planned hours, 8 a session
        make_hs_session(hs.project, hours=8, closed=True)
    response = client_for(hs.host_user).post(url(hs.project, trainee), data=ALL_PASS)
    assert response.status_code == 302
    assert reload(trainee).verdict == HsVerdict.PASS


def test_HS_W7_all_four_passed_with_a_summary_is_a_pass_and_audited(db, client_for):
    from tests.high_skill.factories_delivery import make_host_user

    host_user = make_host_user()
    project = ended_project(host_user)
    trainee = make_hs_trainee(project)
    give_summary(trainee)
    host = client_for(host_user)
    data = dict(ALL_PASS, comment_participation="研讨发言积极")
    assert host.post(url(project, trainee), data=data).status_code == 302
    done = reload(trainee)
    assert (done.score_attendance, done.score_attitude, done.score_participation,
            done.score_summary, done.verdict) == (1, 1, 1, 1, HsVerdict.PASS)
    assert done.assessed_by_id == host_user.id and done.assessed_at is not None
    row = db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "hs_trainee",
                                                      AuditLog.action == "assess"))
    assert row.to_state == "pass" and "交流研讨：合格（研讨发言积极）" in row.comment
    page = host.get(f"/enterprise/hs/delivery/{project.id}").get_data(as_text=True)
    assert "合格" in page and "修改考核" in page


def test_HS_W7_one_failed_criterion_fails_the_trainee(db, client_for):
    from tests.high_skill.factories_delivery import make_host_user

    host_user = make_host_user()
    project = ended_project(host_user)
    trainee = make_hs_trainee(project)
    give_summary(trainee)
    host = client_for(host_user)
    host.post(url(project, trainee), data=dict(ALL_PASS, score_attitude="0",
                                               comment_attitude="多次缺勤"))
    assert reload(trainee).verdict == HsVerdict.FAIL
    # Re-assessed before the filing: the verdict follows.
    host.post(url(project, trainee), data=ALL_PASS)
    assert reload(trainee).verdict == HsVerdict.PASS


def test_HS_P5_summary_criterion_cannot_pass_without_a_summary(db, client_for):
    from tests.high_skill.factories_delivery import make_host_user

    host_user = make_host_user()
    project = ended_project(host_user)
    trainee = make_hs_trainee(project)
    host = client_for(host_user)
    page = host.get(url(project, trainee)).get_data(as_text=True)
    assert "考核结果只能为不合格" in page
    response = host.post(url(project, trainee), data=ALL_PASS)
    assert "不能评为合格（规则 HS-P5）" in response.get_data(as_text=True)
    assert reload(trainee).verdict is None
    host.post(url(project, trainee), data=dict(ALL_PASS, score_summary="0"))
    assert reload(trainee).verdict == HsVerdict.FAIL


def test_HS_W7_attendance_criterion_is_prefilled_from_the_check_ins(db, client_for):
    from tests.high_skill.factories_delivery import make_host_user

    host_user = make_host_user()
    project = ended_project(host_user)
    regular, absent = make_hs_trainee(project), make_hs_trainee(project)
    days = [utcnow() - timedelta(days=d) for d in range(5, 0, -1)]
    sessions = [make_hs_session(project, hours=2, starts_at=at, closed=True) for at in days]
    attend(regular, *sessions[:4])  # 8 of 10 hours: 80 %
    attend(absent, *sessions[:3])  # 6 of 10 hours
    host = client_for(host_user)
    page = host.get(url(project, regular)).get_data(as_text=True)
    assert "4 次，8 / 10 学时（80%）" in page and checked(page, "score_attendance") == "1"
    page = host.get(url(project, absent)).get_data(as_text=True)
    assert "6 / 10 学时（60%）" in page and checked(page, "score_attendance") == "0"
    overview = host.get(f"/enterprise/hs/delivery/{project.id}").get_data(as_text=True)
    assert "已实施 10 / 计划 96 学时（5 次课堂）" in overview


def test_HS_W7_only_the_host_assesses(hs, client_for):
    from portal.models import Role
    from tests.factories import make_user
    from tests.high_skill.factories_delivery import make_host_user

    project = ended_project(hs.host_user)
    trainee = make_hs_trainee(project)
    give_summary(trainee)
    assert client_for(make_host_user()).post(url(project, trainee),
                                             data=ALL_PASS).status_code == 404
    centre = client_for(make_user(Role.CENTER))
    assert centre.post(f"/center/hs/delivery/{project.id}/trainees/{trainee.id}/assess",
                       data=ALL_PASS).status_code in (404, 405)
    other_project = make_project(hs.host_user)
    assert client_for(hs.host_user).post(url(other_project, trainee),
                                         data=ALL_PASS).status_code == 404
    assert reload(trainee).verdict is None
