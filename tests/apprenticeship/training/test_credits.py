"""Completed hours and credits of apprentices (AP-C4), with the 1:3:6 guidance (AP-C1)."""

import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.apprenticeship.training import credits
from portal.core.errors import NotAllowed
from portal.models import (
    AuditLog,
    CreditRecord,
    EnrolmentState,
    OrgKind,
    ReviewState,
    Role,
)
from tests.enrolment_factories import make_credit, make_enrolment, programme_parties
from tests.factories import make_org, make_user
from tests.programme_factories import make_programme

TODAY = date.today()
START = TODAY - timedelta(days=120)
DAY = TODAY - timedelta(days=7)


@pytest.fixture
def world(db):
    programme = make_programme(state=ReviewState.APPROVED, start_date=START)
    enterprise_user, institution_user = programme_parties(programme)
    return programme, enterprise_user, institution_user


def _hours(day=DAY, **overrides) -> dict:
    data = {"course_type": "theory", "mode": "centralised", "hours": "8",
            "on_day": day.isoformat(), "note": "", "scope": "selected"}
    data.update(overrides)
    return data


def _records(db, enrolment=None) -> list[CreditRecord]:
    q = sa.select(CreditRecord).order_by(CreditRecord.id)
    if enrolment is not None:
        q = q.where(CreditRecord.enrolment_id == enrolment.id)
    return list(db.session.scalars(q))


def _row(page: str, enrolment) -> str:
    match = re.search(rf'<tr id="credits-{enrolment.id}">(.*?)</tr>', page, re.S)
    assert match, f"no row for enrolment {enrolment.id}"
    return match.group(1)


def test_AP_C4_credits_are_hours_over_ten(client, login, db, world):
    programme, _, institution_user = world
    enrolment = make_enrolment(programme=programme)
    login(institution_user)
    url = f"/institution/programmes/{programme.id}/credits/{enrolment.id}"
    client.post(url, data=_hours(hours="8"), htmx=True)
    response = client.post(url, data=_hours(day=DAY - timedelta(days=1), hours="7"), htmx=True)
    body = response.get_data(as_text=True)
    assert "<html" not in body and "1.5 / 40 学分" in body
    assert json.loads(response.headers["HX-Trigger"])["toast"]["level"] == "success"
    assert credits.credit_totals([enrolment.id])[enrolment.id]["hours"] == 15
    overview = client.get(f"/institution/programmes/{programme.id}/credits").get_data(as_text=True)
    assert "1.5 / 40 学分" in _row(overview, enrolment)


def test_AP_C4_progress_toward_40_and_80(client, login, db, world):
    programme, enterprise_user, _ = world
    advanced = make_programme(state=ReviewState.APPROVED, start_date=START, level="advanced",
                              duration_months=24,
                              enterprise=make_org(state=ReviewState.APPROVED))
    done = make_enrolment(programme=programme)
    halfway = make_enrolment(programme=advanced)
    short = make_enrolment(programme=programme)
    for enrolment in (done, halfway):
        make_credit(enrolment, 160, mode="centralised")
        make_credit(enrolment, 240, mode="on_job")
    make_credit(short, 399)

    login(enterprise_user)
    page = client.get(f"/enterprise/programmes/{programme.id}/credits").get_data(as_text=True)
    row = _row(page, done)
    assert 'value="100"' in row and "40 / 40 学分" in row and "学分已修满" in row
    assert "<progress" in row and "的学分进度</label>" in row
    row = _row(page, short)
    assert "39.9 / 40 学分（99%）" in row and "学分已修满" not in row

    progress = credits.trainee_progress(halfway.id)
    assert progress["required_credits"] == 80 and progress["credits"] == 40
    assert progress["progress_pct"] == 50 and progress["complete"] is False
    assert credits.trainee_progress(done.id)["complete"] is True


def test_AP_C1_guidance_warns_per_apprentice(client, login, db, world):
    programme, _, institution_user = world
    balanced = make_enrolment(programme=programme)
    lopsided = make_enrolment(programme=programme)
    for course_type, hours in (("general", 10), ("theory", 30), ("practice", 60)):
        make_credit(balanced, hours, course_type=course_type)
    make_credit(lopsided, 100, course_type="practice")
    login(institution_user)
    page = client.get(f"/institution/programmes/{programme.id}/credits").get_data(as_text=True)
    assert "AP-C1" not in _row(page, balanced) and "10% : 30% : 60%" in _row(page, balanced)
    assert "AP-C1" in _row(page, lopsided) and "0% : 0% : 100%" in _row(page, lopsided)
    # Guidance never blocks: more practice hours are still recorded for the lopsided one.
    response = client.post(f"/institution/programmes/{programme.id}/credits/{lopsided.id}",
                           data=_hours(course_type="practice"), htmx=True)
    assert json.loads(response.headers["HX-Trigger"])["toast"]["level"] == "success"
    assert len(_records(db, lopsided)) == 2
    assert credits.trainee_progress(lopsided.id)["ratio_warnings"] == ["AP-C1"]
    assert credits.trainee_progress(balanced.id)["ratio_warnings"] == []


def test_AP_C4_same_hours_for_a_selection_in_one_request(client, login, db, world,
                                                         count_queries):
    programme, _, institution_user = world
    chosen = [make_enrolment(programme=programme) for _ in range(2)]
    other = make_enrolment(programme=programme)
    login(institution_user)
    response = client.post(f"/institution/programmes/{programme.id}/credits", htmx=True,
                           data=_hours(enrolment_ids=[e.id for e in chosen]))
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="credit-panel"') and "<html" not in body
    assert "已为2名学徒记录集中培训专业理论8课时" in body
    records = _records(db)
    assert sorted(r.enrolment_id for r in records) == sorted(e.id for e in chosen)
    assert {(r.recorded_by_org_id, r.recorded_by_id, r.hours) for r in records} == {
        (programme.institution_id, institution_user.id, 8)}
    assert not _records(db, other)
    audited = db.session.scalars(sa.select(AuditLog.object_id).where(
        AuditLog.object_type == "credit_record", AuditLog.action == "record_hours")).all()
    assert sorted(audited) == sorted(r.id for r in records)


def test_AP_C4_whole_class_button_records_every_active_apprentice(client, login, db, world):
    programme, _, institution_user = world
    active = [make_enrolment(programme=programme) for _ in range(2)]
    suspended = make_enrolment(EnrolmentState.SUSPENDED, programme=programme)
    login(institution_user)
    response = client.post(f"/institution/programmes/{programme.id}/credits",
                           data=_hours(scope="all"))
    assert response.status_code == 302  # without JavaScript: back to the overview
    assert sorted(r.enrolment_id for r in _records(db)) == sorted(e.id for e in active)
    assert not _records(db, suspended)


def test_AP_C4_enterprise_records_on_the_job_hours_and_who_recorded_is_kept(client, login, db,
                                                                            world):
    programme, enterprise_user, institution_user = world
    enrolment = make_enrolment(programme=programme)
    login(institution_user)
    client.post(f"/institution/programmes/{programme.id}/credits/{enrolment.id}",
                data=_hours(hours="6"))
    client.post("/logout")
    login(enterprise_user)
    url = f"/enterprise/programmes/{programme.id}/credits/{enrolment.id}"
    page = client.get(url).get_data(as_text=True)
    assert '<option selected value="on_job">' in page  # the enterprise's usual kind of hours
    client.post(url, data=_hours(mode="on_job", course_type="practice", hours="4"))
    by_mode = {r.mode: r.recorded_by_org_id for r in _records(db, enrolment)}
    assert by_mode == {"centralised": programme.institution_id, "on_job": programme.enterprise_id}
    page = client.get(url).get_data(as_text=True)
    names = db.session.execute(sa.text("SELECT id, name FROM organisation")).all()
    org_names = dict(names)
    assert org_names[programme.enterprise_id] in page and org_names[programme.institution_id] in page
    totals = credits.credit_totals([enrolment.id])[enrolment.id]
    assert (totals["centralised"], totals["on_job"], totals["theory"], totals["practice"]) == (6, 4, 6, 4)


@pytest.mark.parametrize("hours", ["0", "-3", "25", "2.5", "八"])
def test_AP_C4_hours_must_be_whole_positive_and_at_most_24(client, login, db, world, hours):
    programme, _, institution_user = world
    enrolment = make_enrolment(programme=programme)
    login(institution_user)
    response = client.post(f"/institution/programmes/{programme.id}/credits", htmx=True,
                           data=_hours(hours=hours, enrolment_ids=[enrolment.id]))
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger"])["toast"]["level"] == "error"
    assert 'id="hours-error"' in response.get_data(as_text=True)
    assert not _records(db)


@pytest.mark.parametrize("hours", [0, -1, 25, True, 2.5])
def test_AP_C4_service_refuses_hours_outside_1_to_24(db, world, hours):
    programme, _, institution_user = world
    enrolment = make_enrolment(programme=programme)
    with pytest.raises(NotAllowed, match="1至24"):
        credits.record_hours(institution_user, [enrolment], "theory", "centralised", hours, DAY, "")


def test_AP_C4_one_day_holds_at_most_24_hours_per_apprentice(client, login, db, world):
    programme, enterprise_user, institution_user = world
    enrolment = make_enrolment(programme=programme)
    login(institution_user)
    url = f"/institution/programmes/{programme.id}/credits/{enrolment.id}"
    client.post(url, data=_hours(hours="20"))
    body = client.post(url, data=_hours(hours="5"), htmx=True).get_data(as_text=True)
    assert "一天的学时合计不能超过24" in body
    assert [r.hours for r in _records(db)] == [20]


def test_AP_C4_future_day_and_day_before_the_programme_refused(client, login, db, world):
    programme, _, institution_user = world
    enrolment = make_enrolment(programme=programme)
    login(institution_user)
    url = f"/institution/programmes/{programme.id}/credits/{enrolment.id}"
    assert "不能晚于今天" in client.post(url, data=_hours(day=TODAY + timedelta(days=2)),
                                         htmx=True).get_data(as_text=True)
    assert "不能早于项目开班日期" in client.post(url, data=_hours(day=START - timedelta(days=1)),
                                                 htmx=True).get_data(as_text=True)
    assert not _records(db)


@pytest.mark.parametrize("state", [EnrolmentState.WITHDRAWN, EnrolmentState.SUSPENDED,
                                   EnrolmentState.SUBMITTED])
def test_AP_C4_only_active_apprentices_take_credits(client, login, db, world, state):
    programme, _, institution_user = world
    active = make_enrolment(programme=programme)
    inactive = make_enrolment(state, programme=programme)
    login(institution_user)
    response = client.post(f"/institution/programmes/{programme.id}/credits", htmx=True,
                           data=_hours(enrolment_ids=[active.id, inactive.id]))
    body = response.get_data(as_text=True)
    assert "AP-C4" in body and state.label in body
    assert not _records(db)  # all or nothing: the active one was not recorded either
    single = client.post(f"/institution/programmes/{programme.id}/credits/{inactive.id}",
                         data=_hours(), htmx=True).get_data(as_text=True)
    assert "AP-C4" in single and not _records(db)


def test_AP_C4_forged_enrolment_of_another_programme_refused(client, login, db, world):
    programme, _, institution_user = world
    own = make_enrolment(programme=programme)
    foreign = make_enrolment(programme=make_programme(state=ReviewState.APPROVED,
                                                      start_date=START))
    login(institution_user)
    bulk = client.post(f"/institution/programmes/{programme.id}/credits", htmx=True,
                       data=_hours(enrolment_ids=[own.id, foreign.id]))
    assert bulk.status_code == 404
    single = client.post(f"/institution/programmes/{programme.id}/credits/{foreign.id}",
                         data=_hours())
    assert single.status_code == 404
    assert client.get(f"/institution/programmes/{programme.id}/credits/{foreign.id}").status_code == 404
    assert not _records(db)


def test_AP_C4_other_enterprise_institution_and_district_cannot_see_credits(client, login, db,
                                                                           world):
    programme, _, _ = world
    enrolment = make_enrolment(programme=programme)
    make_credit(enrolment, 10)
    outsiders = [
        (make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.APPROVED)), "enterprise", 404),
        (make_user(Role.INSTITUTION, org=make_org(OrgKind.INSTITUTION, size=None)), "institution", 404),
        (make_user(Role.DISTRICT, district="110108"), "enterprise", 403),
    ]
    for user, side, status in outsiders:
        login(user)
        assert client.get(f"/{side}/programmes/{programme.id}/credits").status_code == status
        assert client.get(
            f"/{side}/programmes/{programme.id}/credits/{enrolment.id}").status_code == status
        posted = client.post(f"/{side}/programmes/{programme.id}/credits",
                             data=_hours(enrolment_ids=[enrolment.id]))
        assert posted.status_code == status
        client.post("/logout")
    assert len(_records(db)) == 1


def test_AP_C4_credit_overview_query_count_is_constant_and_it_paginates(client, login, db, world,
                                                                         count_queries):
    programme, enterprise_user, _ = world
    programme.planned_count = 30
    db.session.commit()

    def add(n):
        for _ in range(n):
            enrolment = make_enrolment(programme=programme)
            make_credit(enrolment, 12, course_type="general")
            make_credit(enrolment, 30, mode="on_job")

    add(3)
    login(enterprise_user)
    url = f"/enterprise/programmes/{programme.id}/credits"
    with count_queries() as few:
        client.get(url)
    add(17)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert page.count('<tr id="credits-') == 20
    assert len(many) == len(few)
    grouped = [s for s in many if "credit_record" in s]
    assert len(grouped) == 1 and "GROUP BY" in grouped[0]
    add(5)
    assert client.get(url + "?page=2").get_data(as_text=True).count('<tr id="credits-') == 5


def test_AP_C4_trainee_progress_for_the_phone_pages(db, world):
    programme, _, _ = world
    enrolment = make_enrolment(programme=programme)
    make_credit(enrolment, 45, course_type="theory", mode="centralised")
    make_credit(enrolment, 5, course_type="general", mode="on_job", on_day=START + timedelta(days=1))
    progress = credits.trainee_progress(enrolment.id)
    assert progress["credits"] == 5 and progress["credits_text"] == "5"
    assert progress["required_credits"] == 40 and progress["progress_pct"] == 12
    assert progress["hours"]["centralised"] == 45 and progress["hours"]["on_job"] == 5
    assert progress["shares"] == {"general": 10, "theory": 90, "practice": 0}
    assert progress["ratio_warnings"] == ["AP-C1"] and "AP-C1" in progress["ratio_message"]
    assert progress["level_label"] == "中级" and progress["complete"] is False
    assert [r["hours"] for r in progress["recent"]] == [5, 45]
    with pytest.raises(LookupError):
        credits.trainee_progress(enrolment.id + 999)
