"""Enterprise mentors and institution teachers: keep, check, deactivate (AP-M2, AP-M3, AP-M4, C-PII)."""

import json

import pytest
import sqlalchemy as sa

from portal.models import AuditLog, Mentor, MentorKind, OrgKind, ReviewState, Role
from tests.enrolment_factories import make_mentor
from tests.factories import make_org, make_user


@pytest.fixture
def enterprise_user(db):
    return make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.APPROVED))


@pytest.fixture
def institution_user(db):
    return make_user(Role.INSTITUTION, org=make_org(OrgKind.INSTITUTION, size=None))


def _mentor_form(**overrides) -> dict:
    """A qualified enterprise mentor as a browser posts it (checkboxes: present = ticked)."""
    data = {"name": "张师傅", "mobile": "13912345678", "skill_level": "", "years_practice": "0",
            "can_guide_practice": "y", "attests_ethics": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _teacher_form(**overrides) -> dict:
    data = {"name": "李老师", "mobile": "", "skill_level": "", "years_teaching": "0",
            "has_teaching_experience": "y", "attests_ethics": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _mentors(db, org_id: int) -> list[Mentor]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Mentor).where(Mentor.org_id == org_id)))


@pytest.mark.parametrize("qualification", [
    {"years_practice": "1"},
    {"skill_level": "advanced"},
    {"has_mid_title": "y"},
    {"is_backbone": "y"},
])
def test_AP_M2_enterprise_mentor_needs_one_qualification(client, login, db, enterprise_user,
                                                         qualification):
    login(enterprise_user)
    refused = client.post("/enterprise/mentors/new", data=_mentor_form(skill_level="intermediate"))
    assert refused.status_code == 200
    assert "AP-M2" in refused.get_data(as_text=True) and "企业导师须具备" in refused.get_data(as_text=True)
    assert _mentors(db, enterprise_user.org_id) == []

    accepted = client.post("/enterprise/mentors/new", data=_mentor_form(**qualification))
    assert accepted.status_code == 302
    [mentor] = _mentors(db, enterprise_user.org_id)
    assert mentor.kind == MentorKind.ENTERPRISE and mentor.active


def test_AP_M2_enterprise_mentor_must_be_able_to_guide_practice(client, login, db, enterprise_user):
    login(enterprise_user)
    body = client.post("/enterprise/mentors/new",
                       data=_mentor_form(can_guide_practice=None, years_practice="10",
                                         is_backbone="y")).get_data(as_text=True)
    assert "AP-M2" in body
    assert _mentors(db, enterprise_user.org_id) == []


@pytest.mark.parametrize("qualification", [
    {"integrated_or_dual": "y"},
    {"years_teaching": "2"},
    {"skill_level": "technician"},
    {"has_mid_title": "y"},
])
def test_AP_M3_teacher_needs_teaching_experience_and_one_qualification(client, login, db,
                                                                       institution_user,
                                                                       qualification):
    login(institution_user)
    short = client.post("/institution/mentors/new", data=_teacher_form(years_teaching="1"))
    assert "AP-M3" in short.get_data(as_text=True)
    untaught = client.post("/institution/mentors/new",
                           data=_teacher_form(has_teaching_experience=None, **qualification))
    assert "AP-M3" in untaught.get_data(as_text=True)
    assert _mentors(db, institution_user.org_id) == []

    assert client.post("/institution/mentors/new",
                       data=_teacher_form(**qualification)).status_code == 302
    [teacher] = _mentors(db, institution_user.org_id)
    assert teacher.kind == MentorKind.TEACHER


def test_AP_M4_both_kinds_attest_health_and_ethics(client, login, db, enterprise_user,
                                                   institution_user):
    login(enterprise_user)
    body = client.post("/enterprise/mentors/new",
                       data=_mentor_form(years_practice="3", attests_ethics=None)).get_data(as_text=True)
    assert "AP-M4" in body and "职业道德" in body
    client.post("/logout")
    login(institution_user)
    body = client.post("/institution/mentors/new",
                       data=_teacher_form(years_teaching="5", attests_ethics=None)).get_data(as_text=True)
    assert "AP-M4" in body
    assert _mentors(db, enterprise_user.org_id) == _mentors(db, institution_user.org_id) == []


def test_AP_M2_edit_checks_the_rules_again_and_is_audited(client, login, db, enterprise_user):
    mentor = make_mentor(enterprise_user.org_id, years_practice=3, name="王师傅")
    login(enterprise_user)
    page = client.get(f"/enterprise/mentors/{mentor.id}/edit").get_data(as_text=True)
    assert 'value="王师傅"' in page
    body = client.post(f"/enterprise/mentors/{mentor.id}/edit",
                       data=_mentor_form(name="王师傅", years_practice="0")).get_data(as_text=True)
    assert "AP-M2" in body
    db.session.refresh(mentor)
    assert mentor.years_practice == 3
    assert client.post(f"/enterprise/mentors/{mentor.id}/edit",
                       data=_mentor_form(name="王大师傅", is_backbone="y")).status_code == 302
    db.session.refresh(mentor)
    assert mentor.name == "王大师傅" and mentor.is_backbone
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "mentor", AuditLog.object_id == mentor.id)).all()
    assert actions == ["edit"]


def test_C_ID3_mentor_mobile_is_checked(client, login, db, enterprise_user):
    login(enterprise_user)
    body = client.post("/enterprise/mentors/new",
                       data=_mentor_form(years_practice="2", mobile="1234")).get_data(as_text=True)
    assert "C-ID3" in body
    assert _mentors(db, enterprise_user.org_id) == []


def test_C_PII_mentor_list_masks_phones_and_paginates(client, login, db, enterprise_user,
                                                      count_queries):
    make_mentor(enterprise_user.org_id, name="甲导师", mobile="13912345678")
    login(enterprise_user)
    with count_queries() as few:
        page = client.get("/enterprise/mentors").get_data(as_text=True)
    assert "甲导师" in page and "139****5678" in page and "13912345678" not in page
    for n in range(24):
        make_mentor(enterprise_user.org_id, name=f"乙导师{n:02d}", mobile="13800001111")
    with count_queries() as many:
        first = client.get("/enterprise/mentors").get_data(as_text=True)
    assert len(many) == len(few)
    assert first.count('<tr id="mentor-') == 20 and "第 1 / 2 页" in first
    second = client.get("/enterprise/mentors?page=2").get_data(as_text=True)
    assert second.count('<tr id="mentor-') == 5


def test_mentor_list_search_is_an_htmx_fragment(client, login, db, enterprise_user):
    make_mentor(enterprise_user.org_id, name="赵导师")
    make_mentor(enterprise_user.org_id, name="钱导师")
    login(enterprise_user)
    fragment = client.hx_get("/enterprise/mentors?q=赵").get_data(as_text=True)
    assert "<html" not in fragment and "赵导师" in fragment and "钱导师" not in fragment


def test_AP_M1_deactivate_inline_keeps_the_record_and_is_audited(client, login, db,
                                                                 enterprise_user):
    mentor = make_mentor(enterprise_user.org_id, name="孙导师")
    login(enterprise_user)
    response = client.post(f"/enterprise/mentors/{mentor.id}/deactivate", htmx=True)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="mentor-{mentor.id}"') and "已停用" in body
    assert "已停用" in json.loads(response.headers["HX-Trigger"])["toast"]["message"]
    db.session.refresh(mentor)
    assert mentor.active is False
    # Not listed among those in service, listed among the inactive.
    assert "孙导师" not in client.get("/enterprise/mentors").get_data(as_text=True)
    assert "孙导师" in client.get("/enterprise/mentors?status=inactive").get_data(as_text=True)
    # A second click changes nothing and says so.
    again = client.post(f"/enterprise/mentors/{mentor.id}/deactivate", htmx=True)
    assert json.loads(again.headers["HX-Trigger"])["toast"]["level"] == "error"
    assert client.post(f"/enterprise/mentors/{mentor.id}/activate").status_code == 302
    db.session.refresh(mentor)
    assert mentor.active is True
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "mentor", AuditLog.object_id == mentor.id)
        .order_by(AuditLog.id)).all()
    assert actions == ["deactivate", "activate"]


def test_AP_M2_a_mentor_no_longer_qualified_cannot_be_taken_back(client, login, db,
                                                                 enterprise_user):
    mentor = make_mentor(enterprise_user.org_id, years_practice=0, active=False)
    login(enterprise_user)
    response = client.post(f"/enterprise/mentors/{mentor.id}/activate", htmx=True)
    assert "AP-M2" in response.get_data(as_text=True)
    db.session.refresh(mentor)
    assert mentor.active is False


def test_another_organisations_mentors_are_invisible(client, login, db, enterprise_user):
    other = make_org(state=ReviewState.APPROVED)
    theirs = make_mentor(other.id, name="外单位导师")
    login(enterprise_user)
    assert "外单位导师" not in client.get("/enterprise/mentors").get_data(as_text=True)
    assert client.get(f"/enterprise/mentors/{theirs.id}/edit").status_code == 404
    assert client.post(f"/enterprise/mentors/{theirs.id}/deactivate").status_code == 404
    db.session.refresh(theirs)
    assert theirs.active is True


def test_district_and_institution_cannot_use_the_enterprise_mentor_pages(client, login, db,
                                                                          institution_user):
    login(institution_user)
    assert client.get("/enterprise/mentors").status_code == 403
    client.post("/logout")
    login(make_user(Role.DISTRICT, district="110105"))
    assert client.get("/enterprise/mentors").status_code == 403
    assert client.get("/institution/mentors").status_code == 403


def test_AP_M2_AP_M3_services_check_the_rules_without_a_form(db, enterprise_user,
                                                             institution_user):
    from portal import rules
    from portal.apprenticeship.mentors import services as mentors

    with pytest.raises(rules.RuleViolation) as refused:
        mentors.create(enterprise_user, {"name": "无资格", "can_guide_practice": True,
                                         "attests_ethics": True})
    assert refused.value.rule_ids == ["AP-M2"] and "规则 AP-M2" in str(refused.value)
    with pytest.raises(rules.RuleViolation) as refused:
        mentors.create(institution_user, {"name": "新教师", "has_teaching_experience": True,
                                          "years_teaching": 1})
    assert refused.value.rule_ids == ["AP-M3", "AP-M4"]
    teacher = mentors.create(institution_user, {"name": "老教师", "has_teaching_experience": True,
                                                "years_teaching": 2, "attests_ethics": True})
    assert teacher.kind == MentorKind.TEACHER  # the kind follows the organisation
    db.session.rollback()
