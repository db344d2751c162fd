"""Every figure of the dashboards links to the list behind it, and that list shows exactly
that many rows (issue 14 item 7); AP-T1 counts enrolments, not people; C-DIST."""

import pytest
import sqlalchemy as sa

from portal import rules
from portal.clock import today
from portal.extensions import db as _db
from portal.models import Apprentice, HsYearTally, ProposalState
from tests.assessment_factories import client_for
from tests.high_skill.factories_review import make_proposal
from tests.reports.dashboards.dashboard_data import (
    HOME,
    OTHER,
    build_city,
    centre,
    district,
    figure_links,
    hs_trainee,
    list_total,
)


@pytest.fixture
def city(db):
    return build_city()


def _dashboard(client, login, user, url):
    login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_AP_T1_progress_counts_enrolments_not_people(client, login, city):
    html = _dashboard(client, login, centre(), "/center/reports/dashboard")
    # 2021–2025: the apprentice enrolled twice counts twice (人次); 2020 does not count.
    # home: 2022 transferred + 2023 active (same person), 2×2024, 2023 withdrawn, 2021 passed,
    # 2×2024 with accounts for money; other: 3×2025. Total 11 in the period.
    assert "11 / 30000 人次（0%）" in html
    links = dict(figure_links(html))
    target = next(h for h in links if "target=1" in h)
    assert links[target] == 11 == list_total(client, target)


def test_AP_T1_AP_P4_every_city_figure_equals_its_list(client, login, city):
    html = _dashboard(client, login, centre(), "/center/reports/dashboard")
    links = figure_links(html)
    # totals, target, 4 breakdowns, quality (2), money (5): dozens of figures, all checked.
    assert len(links) > 40
    kinds = {href.split("?")[0].rsplit("/", 1)[-1] for href, _ in links}
    assert {"enrolments", "quality", "ledger", "claims"} <= kinds
    assert any(n > 0 for _, n in links)
    for href, number in links:
        assert list_total(client, href) == number, href


def test_every_district_figure_equals_its_list(client, login, city):
    html = _dashboard(client, login, district(HOME), "/district/reports/dashboard")
    links = figure_links(html)
    assert len(links) > 30
    for href, number in links:
        assert href.startswith("/district/")
        assert list_total(client, href) == number, href


def test_HS_P2_trainees_against_the_cap_equal_their_list(client, login, db):
    year = today().year
    proposal = make_proposal(year=year, state=ProposalState.APPROVED, quota=30)
    for n in range(3):
        db.session.add(hs_trainee(proposal.id, n))
    db.session.add(HsYearTally(year=year, approved_quota=30))
    db.session.commit()
    html = _dashboard(client, login, centre(), "/center/reports/dashboard")
    assert "3 / 800 人" in html and "30 / 800" in html
    link = next(h for h, _ in figure_links(html) if "hs-trainees" in h)
    assert list_total(client, link) == 3
    listed = client.get(link).get_data(as_text=True)
    assert "研修学员0" not in listed and "110105********0000" in listed  # C-PII masked


def test_C_DIST_district_asking_for_another_district_gets_404(client, login, city):
    login(district(HOME))
    assert client.get(f"/district/reports/dashboard?district={OTHER}").status_code == 404
    assert client.get(f"/district/reports/enrolments?district={OTHER}").status_code == 404
    assert client.get(f"/district/reports/dashboard?district={HOME}").status_code == 200
    # Its own list never holds another district's enrolments, filtered or not.
    html = client.get("/district/reports/enrolments").get_data(as_text=True)
    assert "海淀" not in html and "data-total=\"10\"" in html
    assert client.get("/center/reports/dashboard").status_code == 403


def test_C_DIST_district_dashboard_shows_only_its_own_figures(app, client, login, city):
    own = _dashboard(client, login, district(HOME), "/district/reports/dashboard")
    other = client_for(app, district(OTHER)).get("/district/reports/dashboard").get_data(
        as_text=True)
    assert 'data-figure="10"' in own and 'data-figure="3"' in other
    assert "各区学徒" not in own  # no city breakdown by district for a district
    assert "高技能人才研修" not in own


def test_C_PII_report_list_masks_names_and_ids(client, login, city):
    login(centre())
    html = client.get(f"/center/reports/enrolments?district={HOME}").get_data(as_text=True)
    ids = _db.session.scalars(sa.select(Apprentice.resident_id)).all()
    assert ids and not any(resident_id in html for resident_id in ids)
    assert any(rules.mask_resident_id(resident_id) in html for resident_id in ids)


def test_junk_filters_are_ignored_never_an_error(client, login, city):
    login(centre())
    for query in ("year=abc", "year=99999999999", "occupation=-1", "level=<x>", "state=evil",
                  "district=%00", "target=2", "page=0"):
        assert client.get(f"/center/reports/enrolments?{query}").status_code == 200, query
