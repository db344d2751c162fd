"""District queue and centre re-review of programmes, inline with htmx (AP-W1, C-REV, C-DIST)."""

import json
from datetime import date

import sqlalchemy as sa

from portal.models import Programme, ReviewState, Role
from tests.factories import make_org, make_user
from tests.programme_factories import make_institution, make_occupation, make_programme


def _reviewer(login, district="110105"):
    return login(make_user(Role.DISTRICT, district=district))


def test_AP_W1_inline_approve_swaps_the_row_and_triggers_the_counts(client, login, db):
    programme = make_programme()
    _reviewer(login)
    response = client.post(f"/district/programmes/{programme.id}/review",
                           data={"decision": "approve"}, htmx=True)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="programme-{programme.id}"')
    assert "待市级复核" in body
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["programmeReviewed"] is True and "已通过" in trigger["toast"]["message"]
    counts = client.hx_get("/district/programmes/counts").get_data(as_text=True)
    assert 'id="queue-counts"' in counts and "<html" not in counts


def test_C_REV_inline_return_without_comment_keeps_the_row_with_the_rule(client, login, db):
    programme = make_programme()
    _reviewer(login)
    response = client.post(f"/district/programmes/{programme.id}/review",
                           data={"decision": "return", "comment": ""}, htmx=True)
    body = response.get_data(as_text=True)
    assert "C-REV" in body and "<tr" in body
    assert "programmeReviewed" not in json.loads(response.headers["HX-Trigger"])
    db.session.refresh(programme)
    assert programme.state == ReviewState.SUBMITTED


def test_C_REV_inline_return_with_comment(client, login, db):
    programme = make_programme()
    _reviewer(login)
    client.post(f"/district/programmes/{programme.id}/review",
                data={"decision": "return", "comment": "请补充合作协议盖章页"}, htmx=True)
    db.session.refresh(programme)
    assert programme.state == ReviewState.RETURNED


def test_AP_W4_approving_twice_answers_already_handled(client, login, db):
    programme = make_programme()
    _reviewer(login)
    client.post(f"/district/programmes/{programme.id}/review", data={"decision": "approve"}, htmx=True)
    again = client.post(f"/district/programmes/{programme.id}/review",
                        data={"decision": "approve"}, htmx=True)
    assert "已被处理" in again.get_data(as_text=True)


def test_C_DIST_other_districts_programmes_are_invisible(client, login, db):
    mine = make_programme(district="110105")
    theirs = make_programme(district="110108")
    _reviewer(login)
    page = client.get("/district/programmes").get_data(as_text=True)
    assert f"programme-{mine.id}" in page and f"programme-{theirs.id}" not in page
    assert client.post(f"/district/programmes/{theirs.id}/review",
                       data={"decision": "approve"}, htmx=True).status_code == 404
    assert client.get(f"/district/programmes/{theirs.id}").status_code == 404


def test_queue_filters_by_occupation_date_and_search(client, login, db):
    welder = make_occupation("焊工")
    a = make_programme(enterprise=make_org(name="北京甲精密机械有限公司", state=ReviewState.APPROVED))
    b = make_programme(occupation=welder, institution=make_institution([welder]),
                       start_date=date(2026, 9, 1))
    _reviewer(login)
    by_occupation = client.hx_get(f"/district/programmes?occupation_id={welder.id}").get_data(as_text=True)
    assert f"programme-{b.id}" in by_occupation and f"programme-{a.id}" not in by_occupation
    by_date = client.hx_get("/district/programmes?start_from=2026-06-01").get_data(as_text=True)
    assert f"programme-{b.id}" in by_date and f"programme-{a.id}" not in by_date
    by_name = client.hx_get("/district/programmes?q=甲精密").get_data(as_text=True)
    assert f"programme-{a.id}" in by_name and f"programme-{b.id}" not in by_name
    credit_code = db.session.scalar(sa.select(Programme).where(Programme.id == b.id)).enterprise_id
    assert credit_code


def test_filters_ignore_unknown_values(client, login):
    make_programme()
    _reviewer(login)
    assert client.get("/district/programmes?status=hacked&start_from=notadate&occupation_id=x").status_code == 200


def test_AP_W1_centre_sees_district_approved_programmes_of_every_district(client, login, db):
    north = make_programme(district="110119", state=ReviewState.DISTRICT_APPROVED)
    south = make_programme(district="110115", state=ReviewState.DISTRICT_APPROVED)
    waiting = make_programme(district="110101", state=ReviewState.SUBMITTED)
    login(make_user(Role.CENTER))
    page = client.get("/center/programmes").get_data(as_text=True)
    assert f"programme-{north.id}" in page and f"programme-{south.id}" in page
    assert f"programme-{waiting.id}" not in page
    only_north = client.hx_get("/center/programmes?district=110119").get_data(as_text=True)
    assert f"programme-{north.id}" in only_north and f"programme-{south.id}" not in only_north


def test_district_cannot_do_the_centres_step(client, login, db):
    programme = make_programme(state=ReviewState.DISTRICT_APPROVED)
    _reviewer(login)
    response = client.post(f"/district/programmes/{programme.id}/review",
                           data={"decision": "approve"}, htmx=True)
    assert "已被处理" in response.get_data(as_text=True)
    db.session.refresh(programme)
    assert programme.state == ReviewState.DISTRICT_APPROVED


def test_plain_post_without_htmx_redirects_back(client, login, db):
    programme = make_programme()
    _reviewer(login)
    response = client.post(f"/district/programmes/{programme.id}/review", data={"decision": "approve"})
    assert response.status_code == 302
    db.session.refresh(programme)
    assert programme.state == ReviewState.DISTRICT_APPROVED


def test_queue_query_count_is_constant(client, login, count_queries):
    occupation = make_occupation()
    institution = make_institution([occupation])
    make_programme(occupation=occupation, institution=institution)
    _reviewer(login)
    with count_queries() as few:
        client.get("/district/programmes")
    for _ in range(15):
        make_programme(occupation=make_occupation(), institution=institution)
    with count_queries() as many:
        client.get("/district/programmes")
    assert len(many) == len(few)


def test_AP_W1_a_reviewer_clears_a_queue_of_50_without_a_page_load(client, login, db):
    occupation = make_occupation()
    institution = make_institution([occupation])
    queue = [make_programme(occupation=occupation, institution=institution) for _ in range(50)]
    _reviewer(login)
    for programme in queue:
        response = client.post(f"/district/programmes/{programme.id}/review",
                               data={"decision": "approve"}, htmx=True)
        assert "<html" not in response.get_data(as_text=True)
    left = db.session.scalar(sa.select(sa.func.count()).select_from(Programme)
                             .where(Programme.state == ReviewState.SUBMITTED))
    assert left == 0
