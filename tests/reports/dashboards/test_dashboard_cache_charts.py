"""The figure set is cached per scope (fast at city scale), refreshed by the centre; charts
are SVG with a viewBox (no pixel widths: readable at 375 px) and a text alternative."""

import re
from datetime import timedelta

import sqlalchemy as sa

from portal import rules
from portal.extensions import db as _db
from portal.models import ReportCache
from portal.reports.dashboards.cache import MAX_AGE
from tests.reports.dashboards.dashboard_data import HOME, build_city, centre, district

CITY = "/center/reports/dashboard"


def test_AP_T1_target_counts_the_plan_period_only():
    counted, target, pct = rules.apprentice_target_progress({2020: 5, 2021: 100, 2025: 200,
                                                             2026: 7})
    assert (counted, target, pct) == (300, rules.APPRENTICE_TARGET, 1)
    assert rules.apprentice_target_progress({2023: 45_000})[2] == 100  # never above 100 %
    assert rules.apprentice_target_progress({})[:2] == (0, 30_000)


def test_cache_hit_makes_the_second_render_cheap(client, login, db, count_queries):
    build_city()
    login(centre())
    with count_queries() as cold:
        assert client.get(CITY).status_code == 200
    with count_queries() as warm:
        html = client.get(CITY).get_data(as_text=True)
    # Cold: the grouped figure queries; warm: the session, the user and one cache row.
    assert len(warm) <= 6 < len(cold), (len(warm), len(cold))
    assert not any("enrolment" in s.lower() and "group by" in s.lower() for s in warm)
    assert "数据更新于" in html


def test_stale_cache_is_recomputed_and_the_centre_refreshes_at_once(client, login, db):
    build_city()
    login(centre())
    client.get(CITY)
    row = _db.session.get(ReportCache, "city")
    assert row is not None and '"registered": 13' in row.payload
    row.computed_at -= MAX_AGE + timedelta(seconds=1)
    row.payload = row.payload.replace('"registered": 13', '"registered": 99')
    _db.session.commit()
    assert 'data-figure="13"' in client.get(CITY).get_data(as_text=True)  # stale: recomputed
    row = _db.session.get(ReportCache, "city")
    row.payload = row.payload.replace('"registered": 13', '"registered": 99')
    _db.session.commit()
    assert 'data-figure="99"' in client.get(CITY).get_data(as_text=True)  # fresh: cached
    response = client.post("/center/reports/dashboard/refresh")
    assert response.status_code == 303
    assert 'data-figure="13"' in client.get(CITY).get_data(as_text=True)


def test_only_the_centre_refreshes(client, login, db):
    login(district(HOME))
    assert client.post("/center/reports/dashboard/refresh").status_code == 403
    assert client.post("/district/reports/dashboard/refresh").status_code in (404, 405)


def test_charts_have_a_text_alternative_and_no_fixed_widths(client, login, db):
    build_city()
    login(centre())
    html = client.get(CITY).get_data(as_text=True)
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) >= 8
    for svg in svgs:
        assert re.search(r'viewBox="0 0 \d+ [\d.]+"', svg), svg
        assert 'role="img"' in svg and 'aria-label="' in svg
        assert not re.search(r'\s(width|height)="', svg), svg  # scales with the page
    # The district chart says in words what it draws, and its data table links each figure.
    assert re.search(r'aria-label="各区学徒：朝阳区 10；海淀区 3"', html)
    assert "<caption class=\"visually-hidden\">各区学徒（数据表）</caption>" in html
    assert 'fill="#1f5fa8"' in html and "在训" in html  # colour and a text label


def test_htmx_request_gets_the_figures_block_only(client, login, db):
    build_city()
    login(centre())
    fragment = client.hx_get(CITY).get_data(as_text=True)
    assert "<html" not in fragment and "各区学徒" in fragment


def test_enrolment_report_costs_a_constant_number_of_queries(client, login, db, count_queries):
    build_city()
    login(centre())
    client.get("/center/reports/enrolments")
    with count_queries() as few:
        client.get("/center/reports/enrolments")
    build_city()
    with count_queries() as more:
        html = client.get("/center/reports/enrolments?state=registered").get_data(as_text=True)
    assert 'data-total="26"' in html
    assert len(more) == len(few)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ReportCache)) == 0
