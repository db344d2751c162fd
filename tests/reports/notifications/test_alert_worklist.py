"""Issue 14 item 10: the worklist alerts (AP-P4, HS-W4, HS-W6, AP-V2). Each count equals the
rows of the list its link opens, within the user's scope (C-DIST)."""

import itertools
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock, rules
from portal.apprenticeship.quality import services as quality
from portal.extensions import db as _db
from portal.models import (
    EnrolmentState,
    Organisation,
    ProposalState,
    Rectification,
    ReviewState,
    Role,
)
from portal.worklist.registry import worklist_for
from tests.enrolment_factories import make_check_ins, make_class_session, make_enrolment
from tests.factories import make_user
from tests.high_skill.factories_delivery import make_host_user, make_project
from tests.programme_factories import make_programme

S = EnrolmentState


def _work(app, user, key):
    with app.test_request_context():
        return {w.key: w for w in worklist_for(user).items}[key]


def _follow(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _programme_with(states, district="110105"):
    programme = make_programme(state=ReviewState.APPROVED, district=district,
                               planned_count=max(len(states), 1))
    return programme, [make_enrolment(state=s, programme=programme) for s in states]


def _attended(programme, enrolments, attended):
    make_check_ins(make_class_session(programme, closed=True), enrolments[:attended])
    _db.session.commit()


@pytest.mark.parametrize("below, above", [(80, 20), (75, 10), (1, 0), (100, 99)])
def test_AP_P4_cross_multipliers_agree_with_programme_alerts(below, above):
    params = {"attendance_alert_below_pct": below, "attrition_alert_above_pct": above}
    a, b = rules.alert_cross_multipliers(params)
    for whole, part in itertools.product(range(1, 41), range(0, 41)):
        if part > whole:
            continue
        pct = rules.attendance_rate_pct(part, whole)
        assert (200 * part < a * whole) == bool(rules.programme_alerts(pct, None, params=params))
        assert (200 * part >= b * whole) == bool(rules.programme_alerts(None, pct, params=params))


def test_AP_P4_quality_alert_count_equals_the_alerts_list(app, db, client, login):
    high_attrition, _ = _programme_with([S.WITHDRAWN] * 3 + [S.ACTIVE] * 7)  # 30 %
    at_the_line, _ = _programme_with([S.WITHDRAWN] * 2 + [S.ACTIVE] * 8)  # 20 %: no alert
    low, enrolled = _programme_with([S.ACTIVE] * 10)
    _attended(low, enrolled, 7)  # 70 %
    fine, enrolled = _programme_with([S.ACTIVE] * 10)
    _attended(fine, enrolled, 8)  # 80 %: not below
    other_district, _ = _programme_with([S.WITHDRAWN] * 5 + [S.ACTIVE] * 5, district="110108")
    expected = {p.id for p in (high_attrition, low)}
    found = quality.programme_rates([p.id for p in (high_attrition, at_the_line, low, fine,
                                                    other_district)])
    assert {i for i, r in found.items() if r.alert} == expected | {other_district.id}

    district = make_user(Role.DISTRICT, district="110105")
    work = _work(app, district, "quality-alerts")
    assert work.count == 2
    login(district)
    rows = re.findall(r'<tr id="quality-(\d+)"', _follow(client, work.url))
    assert {int(i) for i in rows} == expected

    # The city-wide figure is the dashboard's (cached); on the centre's home page the
    # grouped join over every check-in would scan whole tables at city scale.
    centre = make_user(Role.CENTER)
    with app.test_request_context():
        assert "quality-alerts" not in {w.key for w in worklist_for(centre).items}
    employer = make_user(Role.ENTERPRISE,
                         org=db.session.get(Organisation, low.enterprise_id))
    assert _work(app, employer, "quality-alerts").count == 1


def test_AP_P4_quality_alert_is_one_query(app, db, count_queries):
    _programme_with([S.WITHDRAWN] * 3 + [S.ACTIVE] * 7)
    district = make_user(Role.DISTRICT, district="110105")
    db.session.refresh(district)
    from portal.worklist.registry import _KINDS

    kind = _KINDS["quality-alerts"]
    with count_queries() as statements:
        count, _oldest = db.session.execute(kind.aggregate(district)).one()
    assert count == 1 and len(statements) == 1


def test_HS_W4_list_filing_due_alert_equals_its_list(app, db, client, login):
    today = clock.today()
    host = make_host_user()
    due = make_project(host, state=ProposalState.APPROVED, starts_on=today + timedelta(days=14),
                       ends_on=today + timedelta(days=20))
    overdue = make_project(host, state=ProposalState.APPROVED,
                           starts_on=today + timedelta(days=2), ends_on=today + timedelta(days=9))
    make_project(host, state=ProposalState.APPROVED, starts_on=today + timedelta(days=15),
                 ends_on=today + timedelta(days=25))  # due in 8 days: not yet
    make_project(make_host_user(), state=ProposalState.APPROVED,
                 starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=9))
    work = _work(app, host, "hs-list-filing-due")
    assert work.count == 2
    login(host)
    page = _follow(client, work.url)
    ids = {int(i) for i in re.findall(r'/hs/projects/(\d+)/trainee-list"', page)}
    assert ids == {due.id, overdue.id}


def test_HS_W6_cross_year_alert_equals_its_list(app, db, client, login):
    today = clock.today()
    host = make_host_user()
    year = today.year
    crossing = make_project(host, state=ProposalState.FILED, year=year,
                            starts_on=today, ends_on=today.replace(year=year + 1, month=1, day=15))
    make_project(host, state=ProposalState.FILED, year=year, starts_on=today,
                 ends_on=today.replace(month=12, day=31))
    make_project(host, state=ProposalState.COMPLETED, year=year, starts_on=today,
                 ends_on=today.replace(year=year + 1, month=1, day=2))  # done: no alert
    for user, prefix in ((host, "/enterprise"), (make_user(Role.CENTER), "/center")):
        work = _work(app, user, "hs-cross-year")
        assert work.count == 1 and work.url.startswith(prefix)
        login(user)
        page = _follow(client, work.url)
        assert re.findall(r'<tr id="hs-proposal-(\d+)"', page) == [str(crossing.id)]
        client.post("/logout")


def _order(programme, deadline, lifted=False):
    today = clock.today()
    order = Rectification(programme_id=programme.id, district_code=programme.district_code,
                          ordered_on=min(today, deadline) - timedelta(days=30),
                          deadline=deadline, order_text="整改培训计划",
                          lifted_on=today if lifted else None)
    _db.session.add(order)
    _db.session.commit()
    return order


def test_AP_V2_rectification_deadline_alert_equals_its_list_and_keeps_to_district(
        app, db, client, login):
    today = clock.today()
    soon = _order(make_programme(state=ReviewState.APPROVED), today + timedelta(days=7))
    past = _order(make_programme(state=ReviewState.APPROVED), today - timedelta(days=1))
    _order(make_programme(state=ReviewState.APPROVED), today + timedelta(days=8))  # not yet
    _order(make_programme(state=ReviewState.APPROVED), today, lifted=True)  # lifted
    _order(make_programme(state=ReviewState.APPROVED, district="110108"), today)
    district = make_user(Role.DISTRICT, district="110105")
    work = _work(app, district, "rectification-deadlines")
    assert work.count == 2
    login(district)
    page = _follow(client, work.url)
    assert {int(i) for i in re.findall(r'<tr id="rectification-(\d+)"', page)} == {soon.id,
                                                                                   past.id}
    # C-DIST: another district's order is neither counted nor listed, even by URL.
    page = _follow(client, work.url + "&district=110108")
    assert len(re.findall(r'<tr id="rectification-\d+"', page)) == 2
    client.post("/logout")
    assert _work(app, make_user(Role.CENTER), "rectification-deadlines").count == 3


def test_C_DIST_alert_counts_never_reach_another_district(app, db):
    _programme_with([S.WITHDRAWN] * 5 + [S.ACTIVE] * 5, district="110108")
    _order(make_programme(state=ReviewState.APPROVED, district="110108"), clock.today())
    district = make_user(Role.DISTRICT, district="110105")
    assert _work(app, district, "quality-alerts").count == 0
    assert _work(app, district, "rectification-deadlines").count == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rectification)) == 1
