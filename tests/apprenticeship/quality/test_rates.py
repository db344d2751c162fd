"""Attendance and attrition rates per programme with their alerts (AP-P4), per role."""

from datetime import date

import pytest

from portal.apprenticeship.quality import services as rates
from portal.catalogue.parameters import parameters_on
from portal.extensions import db as _db
from portal.models import EnrolmentState, Organisation, ParameterValue, ReviewState, Role
from tests.enrolment_factories import make_check_ins, make_class_session, make_enrolment
from tests.factories import make_user
from tests.programme_factories import make_programme

S = EnrolmentState


def _programme_with(states, district="110105", **fields):
    """An approved programme with one enrolment per state; returns (programme, enrolments)."""
    programme = make_programme(state=ReviewState.APPROVED, district=district,
                               planned_count=max(len(states), 1), **fields)
    return programme, [make_enrolment(state=s, programme=programme) for s in states]


def _employer(programme):
    return make_user(Role.ENTERPRISE, org=_db.session.get(Organisation, programme.enterprise_id))


def test_AP_P4_attrition_alert_above_threshold(db):
    high, _ = _programme_with([S.WITHDRAWN] * 3 + [S.ACTIVE] * 6 + [S.TRANSFERRED])
    edge, _ = _programme_with([S.WITHDRAWN] * 2 + [S.ACTIVE] * 7 + [S.COMPLETED])
    # Drafts, pending and refused registrations were never enrolled: not in the denominator.
    fresh, _ = _programme_with([S.DRAFT, S.SUBMITTED, S.REJECTED, S.RETURNED])
    found = rates.programme_rates([high.id, edge.id, fresh.id])
    assert (found[high.id].withdrawn, found[high.id].enrolled, found[high.id].attrition_pct) == (3, 10, 30)
    assert found[high.id].high_attrition and found[high.id].alerts == ("AP-P4",)
    assert found[edge.id].attrition_pct == 20 and not found[edge.id].alert  # "above", not "at"
    assert found[fresh.id].attrition_pct is None and not found[fresh.id].alert


def test_AP_P4_attendance_alert_below_threshold(db):
    programme, enrolments = _programme_with([S.ACTIVE] * 5)
    for attended in (5, 3):  # 8 of 10 = 80 %: not below the line
        session = make_class_session(programme, closed=True)
        make_check_ins(session, enrolments[:attended])
    make_class_session(programme, closed=False)  # an open session is not counted yet
    r = rates.programme_rates([programme.id])[programme.id]
    assert (r.attended, r.expected, r.attendance_pct, r.alert) == (8, 10, 80, False)
    make_check_ins(make_class_session(programme, closed=True), enrolments[:2])
    r = rates.programme_rates([programme.id])[programme.id]
    assert (r.attended, r.expected, r.attendance_pct) == (10, 15, 67)
    assert r.low_attendance and not r.high_attrition and r.alerts == ("AP-P4",)


def test_AP_P4_thresholds_are_parameters(client, login, db):
    programme, _ = _programme_with([S.WITHDRAWN] * 3 + [S.ACTIVE] * 7)
    assert rates.programme_rates([programme.id])[programme.id].alert
    db.session.add(ParameterValue(key="attrition_alert_above_pct", value=40,
                                  effective_from=date(2020, 1, 1)))
    db.session.commit()
    assert not rates.programme_rates([programme.id])[programme.id].alert
    assert parameters_on(date.today())["attrition_alert_above_pct"] == 40
    login(_employer(programme))
    page = client.get("/enterprise/quality").get_data(as_text=True)
    assert "流失率高于40%" in page and "AP-P4" in page
    assert f'id="quality-{programme.id}"' in page and "row-alert" not in page


def test_AP_P4_programme_rates_costs_a_constant_number_of_queries(db, count_queries):
    one, _ = _programme_with([S.ACTIVE, S.WITHDRAWN])
    params = parameters_on(date.today())
    with count_queries() as few:
        rates.programme_rates([one.id], params=params)
    many = [_programme_with([S.ACTIVE, S.WITHDRAWN])[0].id for _ in range(6)]
    with count_queries() as more:
        found = rates.programme_rates([one.id, *many], params=params)
    assert len(more) == len(few) <= 3
    assert all(found[i].attrition_pct == 50 for i in many)


def test_AP_P4_enterprise_sees_its_programmes_alerts_first(client, login, db, app):
    calm, _ = _programme_with([S.ACTIVE] * 4)
    enterprise = _db.session.get(Organisation, calm.enterprise_id)
    alarming = make_programme(state=ReviewState.APPROVED, enterprise=enterprise, planned_count=4)
    for state in (S.WITHDRAWN, S.WITHDRAWN, S.ACTIVE, S.ACTIVE):
        make_enrolment(state=state, programme=alarming)
    foreign, _ = _programme_with([S.WITHDRAWN])
    login(_employer(calm))
    page = client.get("/enterprise/quality").get_data(as_text=True)
    assert f"quality-{foreign.id}" not in page
    assert page.index(f"quality-{alarming.id}") < page.index(f"quality-{calm.id}")
    assert "流失率" in page and "50%" in page and "badge-alert" in page
    # Sorted across pages: with one row a page, the alert is on page 1.
    app.config["PAGE_SIZE"] = 1
    first = client.hx_get("/enterprise/quality?sort=alert").get_data(as_text=True)
    assert f"quality-{alarming.id}" in first and "<html" not in first
    second = client.hx_get("/enterprise/quality?sort=alert&page=2").get_data(as_text=True)
    assert f"quality-{calm.id}" in second
    only = client.hx_get("/enterprise/quality?alerts=1").get_data(as_text=True)
    assert f"quality-{alarming.id}" in only and f"quality-{calm.id}" not in only
    assert f"quality-{calm.id}" not in client.hx_get("/enterprise/quality?alerts=1&page=2").get_data(as_text=True)


def test_AP_P4_district_sees_its_district_and_the_centre_filters(client, login, db):
    mine, _ = _programme_with([S.WITHDRAWN, S.ACTIVE], district="110105")
    theirs, _ = _programme_with([S.WITHDRAWN, S.ACTIVE], district="110108")
    draft = make_programme(state=ReviewState.SUBMITTED, district="110105")
    login(make_user(Role.DISTRICT, district="110105"))
    page = client.get("/district/quality").get_data(as_text=True)
    assert f"quality-{mine.id}" in page and f"quality-{theirs.id}" not in page
    assert f"quality-{draft.id}" not in page  # only approved programmes train
    client.post("/logout")
    login(make_user(Role.CENTER))
    page = client.get("/center/quality").get_data(as_text=True)
    assert f"quality-{mine.id}" in page and f"quality-{theirs.id}" in page
    filtered = client.hx_get("/center/quality?district=110108").get_data(as_text=True)
    assert f"quality-{theirs.id}" in filtered and f"quality-{mine.id}" not in filtered


@pytest.mark.parametrize("prefix,role", [("enterprise", Role.ENTERPRISE),
                                         ("district", Role.DISTRICT), ("center", Role.CENTER)])
def test_quality_pages_query_count_is_constant(client, login, count_queries, prefix, role):
    first, _ = _programme_with([S.ACTIVE, S.WITHDRAWN])
    enterprise = _db.session.get(Organisation, first.enterprise_id)
    user = (make_user(Role.ENTERPRISE, org=enterprise) if role == Role.ENTERPRISE
            else make_user(role, district="110105"))
    login(user)
    with count_queries() as few:
        client.get(f"/{prefix}/quality")
    for _ in range(8):
        programme = make_programme(state=ReviewState.APPROVED, enterprise=enterprise)
        make_enrolment(programme=programme, state=S.WITHDRAWN)
        make_check_ins(make_class_session(programme, closed=True),
                       [make_enrolment(programme=programme)])
    with count_queries() as many:
        page = client.get(f"/{prefix}/quality").get_data(as_text=True)
    assert page.count('id="quality-') == 9
    assert len(many) == len(few)


def test_AP_P4_rates_badge_macro_renders_alone(app):
    from flask import render_template_string

    r = rates.rates_from(1, attended=7, expected=10, withdrawn=0, enrolled=5, params=None)
    with app.test_request_context():
        html = render_template_string(
            '{% from "_macros/rates.html" import rates_badge %}{{ rates_badge(r) }}', r=r)
    assert "70%" in html and "0%" in html and "偏低" in html and "AP-P4" in html
    assert "偏高" not in html
