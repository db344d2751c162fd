"""Queues for dozens a day: the counters count what the filtered list shows (C-REV, C-DIST)."""

import re

from portal.models import OrgKind, ReviewState, Role
from tests.factories import make_org, make_user
from tests.programme_factories import make_programme


def test_C_DIST_centre_organisation_list_filters_by_district_and_counts_agree(client, login):
    for district in ("110105", "110105", "110108"):
        make_org(district=district, state=ReviewState.DISTRICT_APPROVED)
    make_org(OrgKind.INSTITUTION, district="110105", state=ReviewState.DISTRICT_APPROVED)
    login(make_user(Role.CENTER))
    body = client.get("/center/organisations?district=110108").get_data(as_text=True)
    assert len(re.findall(r'<tr id="organisation-\d+"', body)) == 1
    assert re.search(r"<strong>1</strong><span>" + ReviewState.DISTRICT_APPROVED.label, body)
    chaoyang = client.get("/center/organisations?district=110105&kind=enterprise").get_data(
        as_text=True)
    rows = len(re.findall(r'<tr id="organisation-\d+"', chaoyang))
    assert rows == 2
    assert re.search(r"<strong>2</strong><span>" + ReviewState.DISTRICT_APPROVED.label, chaoyang)


def test_C_REV_programme_counters_follow_the_district_filter(client, login):
    make_programme(state=ReviewState.DISTRICT_APPROVED, district="110105")
    make_programme(state=ReviewState.DISTRICT_APPROVED, district="110108")
    make_programme(state=ReviewState.DISTRICT_APPROVED, district="110108")
    login(make_user(Role.CENTER))
    body = client.get("/center/programmes?district=110108&status=district_approved").get_data(
        as_text=True)
    assert len(re.findall(r'<tr id="programme-\d+"', body)) == 2
    assert re.search(r"<strong>2</strong><span>" + ReviewState.DISTRICT_APPROVED.label, body)
    assert "district=110108" in body[body.index('id="queue-counts"'):][:2000]


def test_C_REV_organisation_queue_searches_name_and_credit_code(client, login):
    wanted = make_org(state=ReviewState.SUBMITTED, name="北京星河精密机械有限公司")
    make_org(state=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    for q in ("星河精密", wanted.credit_code):
        body = client.get(f"/district/organisations?q={q}").get_data(as_text=True)
        assert re.findall(r'<tr id="organisation-(\d+)"', body) == [str(wanted.id)]


def test_C_REV_district_bulk_approves_organisations_and_reports_the_handled_one(client, login, db):
    waiting = [make_org(state=ReviewState.SUBMITTED) for _ in range(3)]
    handled = make_org(state=ReviewState.DISTRICT_APPROVED)
    login(make_user(Role.DISTRICT, district="110105"))
    page = client.get("/district/organisations").get_data(as_text=True)
    assert 'id="bulk-approve"' in page and 'data-select-all="bulk-approve"' in page
    response = client.post("/district/organisations/approve", htmx=True,
                           data={"ids": [o.id for o in waiting] + [handled.id]})
    assert response.status_code == 200
    db.session.expire_all()
    assert all(o.state == ReviewState.DISTRICT_APPROVED for o in waiting)
    assert "已通过 3 家" in response.headers["HX-Trigger"].encode().decode("unicode_escape")


def test_C_DIST_bulk_approval_reports_another_districts_programme_and_does_the_rest(
        client, login, db):
    mine = make_programme(state=ReviewState.SUBMITTED, district="110105")
    theirs = make_programme(state=ReviewState.SUBMITTED, district="110108")
    login(make_user(Role.DISTRICT, district="110105"))
    response = client.post("/district/programmes/approve", data={"ids": [mine.id, theirs.id]})
    assert response.status_code == 302
    db.session.expire_all()
    assert mine.state == ReviewState.DISTRICT_APPROVED and theirs.state == ReviewState.SUBMITTED
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"#{theirs.id}：不在您的审核范围内" in page


def test_C_REV_centre_approves_all_programmes_matching_the_filter_in_one_request(client, login, db):
    chaoyang = [make_programme(state=ReviewState.DISTRICT_APPROVED, district="110105")
                for _ in range(3)]
    haidian = make_programme(state=ReviewState.DISTRICT_APPROVED, district="110108")
    login(make_user(Role.CENTER))
    page = client.get("/center/programmes?district=110105&status=district_approved&per_page=20"
                      ).get_data(as_text=True)
    assert 'id="bulk-approve"' in page
    response = client.post("/center/programmes/approve?district=110105&status=district_approved",
                           data={"all_matching": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert all(p.state == ReviewState.APPROVED for p in chaoyang)
    assert haidian.state == ReviewState.DISTRICT_APPROVED  # not in the filter
