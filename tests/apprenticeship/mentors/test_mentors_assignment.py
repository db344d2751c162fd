"""Two mentors per apprentice (双导师, AP-M1): each side assigns its own, inline and in bulk."""

import json

import pytest
import sqlalchemy as sa

from portal.apprenticeship.mentors import services as mentors
from portal.models import (
    AuditLog,
    Enrolment,
    EnrolmentState,
    MentorKind,
    OrgKind,
    ReviewState,
    Role,
)
from tests.enrolment_factories import make_enrolment, make_mentor, programme_parties
from tests.factories import make_org, make_user
from tests.programme_factories import make_programme


@pytest.fixture
def world(db):
    programme = make_programme(state=ReviewState.APPROVED)
    enterprise_user, institution_user = programme_parties(programme)
    return {
        "programme": programme,
        "enterprise_user": enterprise_user,
        "institution_user": institution_user,
        "mentor": make_mentor(programme.enterprise_id, name="周师傅"),
        "teacher": make_mentor(programme.institution_id, MentorKind.TEACHER, name="吴老师"),
    }


def _reload(db, enrolment) -> Enrolment:
    db.session.expire_all()
    return db.session.get(Enrolment, enrolment.id)


def test_AP_M1_each_side_assigns_its_own_mentor_inline(client, login, db, world):
    programme = world["programme"]
    enrolment = make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    assert mentors.mentor_problems(enrolment) == ["AP-M1"]

    login(world["enterprise_user"])
    page = client.get(f"/enterprise/programmes/{programme.id}/mentors").get_data(as_text=True)
    assert "未配齐双导师" in page and "周师傅" in page and "吴老师" not in page
    response = client.post(f"/enterprise/programmes/{programme.id}/mentors/{enrolment.id}",
                           data={"mentor_id": world["mentor"].id}, htmx=True)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="enrolment-{enrolment.id}"') and "<html" not in body
    assert "周师傅" in body
    assert json.loads(response.headers["HX-Trigger"])["toast"]["level"] == "success"
    assert mentors.mentor_problems(_reload(db, enrolment)) == ["AP-M1"]  # teacher still missing
    client.post("/logout")

    login(world["institution_user"])
    client.post(f"/institution/programmes/{programme.id}/mentors/{enrolment.id}",
                data={"mentor_id": world["teacher"].id}, htmx=True)
    enrolment = _reload(db, enrolment)
    assert (enrolment.enterprise_mentor_id, enrolment.teacher_id) == (
        world["mentor"].id, world["teacher"].id)
    assert mentors.mentor_problems(enrolment) == []
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "enrolment", AuditLog.object_id == enrolment.id)
        .order_by(AuditLog.id)).all()
    assert actions == ["assign_mentor", "assign_teacher"]


def test_AP_M1_bulk_assignment_for_a_selection_in_one_request(client, login, db, world):
    programme = world["programme"]
    chosen = [make_enrolment(EnrolmentState.DRAFT, programme=programme) for _ in range(2)]
    left = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    login(world["institution_user"])
    response = client.post(f"/institution/programmes/{programme.id}/mentors/assign",
                           data={"mentor_id": world["teacher"].id,
                                 "enrolment_ids": [e.id for e in chosen]}, htmx=True)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="roster"') and "<html" not in body
    assert "已为2名学徒指派培训机构教师" in json.loads(response.headers["HX-Trigger"])["toast"]["message"]
    assert [_reload(db, e).teacher_id for e in chosen] == [world["teacher"].id] * 2
    assert _reload(db, left).teacher_id is None


def test_AP_M1_bulk_assignment_works_without_javascript(client, login, db, world):
    enrolment = make_enrolment(EnrolmentState.DRAFT, programme=world["programme"])
    login(world["enterprise_user"])
    response = client.post(f"/enterprise/programmes/{world['programme'].id}/mentors/assign",
                           data={"mentor_id": world["mentor"].id, "enrolment_ids": [enrolment.id]})
    assert response.status_code == 302
    assert "已为1名学徒指派企业导师" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _reload(db, enrolment).enterprise_mentor_id == world["mentor"].id


def test_AP_M1_mentor_of_another_organisation_refused(client, login, db, world):
    programme = world["programme"]
    enrolment = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    stranger = make_mentor(make_org(state=ReviewState.APPROVED).id, name="外企导师")
    login(world["enterprise_user"])
    response = client.post(f"/enterprise/programmes/{programme.id}/mentors/assign",
                           data={"mentor_id": stranger.id, "enrolment_ids": [enrolment.id]},
                           htmx=True)
    assert "AP-M1" in response.get_data(as_text=True)
    assert json.loads(response.headers["HX-Trigger"])["toast"]["level"] == "error"
    assert _reload(db, enrolment).enterprise_mentor_id is None


def test_AP_M1_inactive_mentor_refused(client, login, db, world):
    programme = world["programme"]
    enrolment = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    retired = make_mentor(programme.enterprise_id, name="退休导师", active=False)
    login(world["enterprise_user"])
    page = client.get(f"/enterprise/programmes/{programme.id}/mentors").get_data(as_text=True)
    assert "退休导师" not in page
    body = client.post(f"/enterprise/programmes/{programme.id}/mentors/{enrolment.id}",
                       data={"mentor_id": retired.id}, htmx=True).get_data(as_text=True)
    assert "已停用" in body and "AP-M1" in body
    assert _reload(db, enrolment).enterprise_mentor_id is None


def test_AP_M1_teacher_as_enterprise_mentor_refused(client, login, db, world):
    programme = world["programme"]
    enrolment = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    # A teacher record kept under the enterprise (bad data), and the partner's own teacher.
    misfiled = make_mentor(programme.enterprise_id, MentorKind.TEACHER, name="错类教师")
    login(world["enterprise_user"])
    for teacher in (misfiled, world["teacher"]):
        body = client.post(f"/enterprise/programmes/{programme.id}/mentors/{enrolment.id}",
                           data={"mentor_id": teacher.id}, htmx=True).get_data(as_text=True)
        assert "AP-M1" in body
    assert _reload(db, enrolment).enterprise_mentor_id is None
    # And the institution cannot make the enterprise's mentor its teacher.
    client.post("/logout")
    login(world["institution_user"])
    body = client.post(f"/institution/programmes/{programme.id}/mentors/{enrolment.id}",
                       data={"mentor_id": world["mentor"].id}, htmx=True).get_data(as_text=True)
    assert "AP-M1" in body
    assert _reload(db, enrolment).teacher_id is None


def test_AP_M1_forged_enrolment_of_another_programme_refused(client, login, db, world):
    programme = world["programme"]
    own = make_enrolment(EnrolmentState.DRAFT, programme=programme)
    foreign = make_enrolment(EnrolmentState.DRAFT)  # another enterprise's programme
    login(world["enterprise_user"])
    bulk = client.post(f"/enterprise/programmes/{programme.id}/mentors/assign",
                       data={"mentor_id": world["mentor"].id,
                             "enrolment_ids": [own.id, foreign.id]}, htmx=True)
    assert bulk.status_code == 404
    row = client.post(f"/enterprise/programmes/{programme.id}/mentors/{foreign.id}",
                      data={"mentor_id": world["mentor"].id}, htmx=True)
    assert row.status_code == 404
    assert _reload(db, own).enterprise_mentor_id is None
    assert _reload(db, foreign).enterprise_mentor_id is None


def test_AP_M1_ended_enrolment_cannot_be_assigned(client, login, db, world):
    programme = world["programme"]
    withdrawn = make_enrolment(EnrolmentState.WITHDRAWN, programme=programme)
    login(world["enterprise_user"])
    body = client.post(f"/enterprise/programmes/{programme.id}/mentors/assign",
                       data={"mentor_id": world["mentor"].id, "enrolment_ids": [withdrawn.id]},
                       htmx=True).get_data(as_text=True)
    assert "学籍已结束" in body
    assert _reload(db, withdrawn).enterprise_mentor_id is None


def test_AP_M1_deactivated_mentor_counts_as_missing(client, login, db, world):
    programme = world["programme"]
    enrolment = make_enrolment(EnrolmentState.SUBMITTED, programme=programme,
                               enterprise_mentor_id=world["mentor"].id,
                               teacher_id=world["teacher"].id)
    assert mentors.mentor_problems(enrolment) == []
    login(world["enterprise_user"])
    client.post(f"/enterprise/mentors/{world['mentor'].id}/deactivate")
    assert mentors.mentor_problems(_reload(db, enrolment)) == ["AP-M1"]
    page = client.get(f"/enterprise/programmes/{programme.id}/mentors?missing=1")
    assert "未配齐双导师" in page.get_data(as_text=True)


def test_AP_M1_other_enterprise_and_other_district_cannot_see_the_roster(client, login, db, world):
    programme = world["programme"]
    make_enrolment(EnrolmentState.DRAFT, programme=programme)
    url = f"/enterprise/programmes/{programme.id}/mentors"
    login(make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.APPROVED)))
    assert client.get(url).status_code == 404
    assert client.post(url + "/assign", data={"mentor_id": world["mentor"].id}).status_code == 404
    client.post("/logout")
    login(make_user(Role.INSTITUTION, org=make_org(OrgKind.INSTITUTION, size=None)))
    assert client.get(f"/institution/programmes/{programme.id}/mentors").status_code == 404
    client.post("/logout")
    login(make_user(Role.DISTRICT, district="110108"))
    assert client.get(url).status_code == 403


def test_AP_M1_roster_query_count_is_constant(client, login, db, world, count_queries):
    programme = world["programme"]
    for _ in range(3):
        make_enrolment(EnrolmentState.DRAFT, programme=programme,
                       enterprise_mentor_id=world["mentor"].id, teacher_id=world["teacher"].id)
    login(world["enterprise_user"])
    with count_queries() as few:
        client.get(f"/enterprise/programmes/{programme.id}/mentors")
    for _ in range(17):
        make_enrolment(EnrolmentState.DRAFT, programme=programme,
                       enterprise_mentor_id=world["mentor"].id, teacher_id=world["teacher"].id)
    with count_queries() as many:
        page = client.get(f"/enterprise/programmes/{programme.id}/mentors").get_data(as_text=True)
    assert page.count('<tr id="enrolment-') == 20
    assert len(many) == len(few)
