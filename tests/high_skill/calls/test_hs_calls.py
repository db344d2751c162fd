"""HS-W1: the centre's calls (create, edit, close early, audited) and the hosts' open calls,
through the real stack."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.core.errors import NotAllowed, ServiceError
from portal.high_skill.calls import services as calls
from portal.models import AuditLog, HsCall, OrgKind, ReviewState, Role
from tests.factories import make_user
from tests.high_skill.factories_calls import make_call, make_host


def _form(**overrides) -> dict:
    year = clock.today().year
    data = {"year": str(year), "quarter": "4", "title": "第四季度研修项目征集",
            "directions": "智能制造\n\n  集成电路  \n生物医药",
            "opens_on": clock.today().isoformat(), "closes_on": f"{year}-12-31"}
    data.update(overrides)
    return data


def _calls(db) -> list[HsCall]:
    return list(db.session.scalars(sa.select(HsCall).order_by(HsCall.id)))


def _audit(db, call) -> list[tuple[str, str]]:
    return [(a.action, a.comment) for a in db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == "hs_call",
                                  AuditLog.object_id == call.id).order_by(AuditLog.id))]


# ------------------------------------------------------------------------------ centre


def test_HS_W1_centre_creates_a_call_with_directions_one_per_line(client, login, db):
    login(make_user(Role.CENTER))
    response = client.post("/center/hs/calls/new", data=_form())
    [call] = _calls(db)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/center/hs/calls/{call.id}")
    assert call.direction_list == ["智能制造", "集成电路", "生物医药"]
    assert call.quarter == 4 and call.closes_on == date(clock.today().year, 12, 31)
    assert [a for a, _ in _audit(db, call)] == ["create"]
    page = client.get(f"/center/hs/calls/{call.id}").get_data(as_text=True)
    assert "集成电路" in page and "征集中" in page


@pytest.mark.parametrize("overrides, message", [
    ({"opens_on": f"{clock.today().year}-12-31", "closes_on": clock.today().isoformat()},
     "截止日期不能早于开始日期"),
    ({"year": str(clock.today().year - 1)}, "不能发布往年的征集"),
    ({"quarter": "5"}, "季度须为1至4"),
    ({"quarter": "0"}, "季度须为1至4"),
    ({"year": str(clock.today().year + 5)}, "年度须为今年或明年"),
])
def test_HS_W1_bad_call_refused_beside_the_field(client, login, db, overrides, message):
    login(make_user(Role.CENTER))
    response = client.post("/center/hs/calls/new", data=_form(**overrides))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body and "HS-W1" in body
    assert _calls(db) == []


def test_HS_W1_service_refuses_what_the_form_would(db):
    center = make_user(Role.CENTER)
    today = clock.today()
    with pytest.raises(ServiceError, match="HS-W1"):
        calls.create_call(center, {"year": today.year, "quarter": 1, "title": "x",
                                   "directions": "智能制造", "opens_on": today,
                                   "closes_on": today - timedelta(days=1)})
    with pytest.raises(ServiceError, match="专业方向"):
        calls.create_call(center, {"year": today.year, "quarter": 1, "title": "x",
                                   "directions": " \n ", "opens_on": today, "closes_on": today})


def test_HS_W1_only_the_centre_creates_calls(db):
    _org, host = make_host()
    today = clock.today()
    with pytest.raises(NotAllowed):
        calls.create_call(host, {"year": today.year, "quarter": 1, "title": "x",
                                 "directions": "智能制造", "opens_on": today, "closes_on": today})


def test_HS_W1_centre_edits_a_call_and_the_audit_names_the_change(client, login, db):
    call = make_call(title="旧名称")
    login(make_user(Role.CENTER))
    assert "旧名称" in client.get(f"/center/hs/calls/{call.id}/edit").get_data(as_text=True)
    data = _form(title="新名称", quarter="1", opens_on=call.opens_on.isoformat(),
                 closes_on=call.closes_on.isoformat(), directions=call.directions)
    assert client.post(f"/center/hs/calls/{call.id}/edit", data=data).status_code == 302
    db.session.refresh(call)
    assert call.title == "新名称"
    assert ("edit", "修改：征集名称") in _audit(db, call)


def test_HS_W1_close_early_hides_the_call_from_hosts_at_once(client, login, db):
    call = make_call()
    today = clock.today()
    login(make_user(Role.CENTER))
    assert client.post(f"/center/hs/calls/{call.id}/close").status_code == 302
    db.session.refresh(call)
    assert call.closes_on == today - timedelta(days=1)
    assert not calls.call_is_open(call, today)
    assert calls.open_calls(today) == []
    [(action, comment)] = _audit(db, call)
    assert action == "close_call" and "原征集期" in comment
    # Closed: no second close, no edit.
    client.post(f"/center/hs/calls/{call.id}/close")
    assert [a for a, _ in _audit(db, call)] == ["close_call"]
    assert client.get(f"/center/hs/calls/{call.id}/edit").status_code == 302


def test_HS_W1_closing_a_call_that_opened_today_keeps_its_dates_ordered(db):
    today = clock.today()
    call = make_call(today, today + timedelta(days=3), year=(today + timedelta(days=3)).year)
    calls.close_call(make_user(Role.CENTER), call)
    db.session.commit()
    assert call.opens_on == call.closes_on == today - timedelta(days=1)
    assert not calls.call_is_open(call, today)


def test_HS_W1_centre_list_is_newest_first_and_paginated(client, login, db, count_queries):
    year = clock.today().year
    older = make_call(year=year, quarter=1, title="一季度征集")
    newer = make_call(year=year, quarter=3, title="三季度征集")
    for n in range(25):
        make_call(year=year - 2, quarter=2, title=f"往年征集{n}")
    login(make_user(Role.CENTER))
    with count_queries() as statements:
        body = client.get("/center/hs/calls").get_data(as_text=True)
    assert body.index("三季度征集") < body.index("一季度征集")
    assert "往年征集0" not in body  # on page 2
    assert "下一页" in body
    assert len(statements) < 15
    assert f"hs-call-{newer.id}" in body and f"hs-call-{older.id}" in body
    fragment = client.hx_get(f"/center/hs/calls?year={year - 2}").get_data(as_text=True)
    assert "<html" not in fragment and "往年征集" in fragment and "三季度征集" not in fragment


# ------------------------------------------------------------------------------ hosts


def test_HS_W1_hosts_see_only_open_calls_by_date(client, login, db):
    today = clock.today()
    open_call = make_call(title="征集中的征集")
    make_call(today - timedelta(days=20), today - timedelta(days=1),
              year=(today - timedelta(days=1)).year, title="已截止的征集")
    future_year = today.year + 1
    make_call(date(future_year, 1, 1), date(future_year, 3, 31), title="尚未开始的征集")
    _org, host = make_host()
    login(host)
    body = client.get("/enterprise/hs/open-calls").get_data(as_text=True)
    assert "征集中的征集" in body and "智能制造" in body
    assert "已截止的征集" not in body and "尚未开始的征集" not in body
    assert [c.id for c in calls.open_calls(today)] == [open_call.id]


def test_HS_W1_closing_day_is_still_open(db):
    today = clock.today()
    call = make_call(today - timedelta(days=3), today, year=today.year)
    assert calls.call_is_open(call, today)
    assert not calls.call_is_open(call, today + timedelta(days=1))


@pytest.mark.parametrize("kind, prefix", [(OrgKind.ENTERPRISE, "/enterprise"),
                                          (OrgKind.INSTITUTION, "/institution"),
                                          (OrgKind.HOST, "/host")])
def test_HS_W1_hosts_see_open_calls_on_their_home_page(client, login, db, kind, prefix):
    make_call()
    make_call(title="第二个征集")
    _org, host = make_host(kind)
    login(host)
    home = client.get(f"{prefix}/").get_data(as_text=True)
    assert 'id="work-hs-open-calls"' in home
    assert f'href="{prefix}/hs/open-calls"' in home
    assert '<strong class="work-count">2</strong>' in home


def test_HS_H1_unconfirmed_host_is_not_prompted_and_told_why(client, login, db):
    make_call()
    _org, host = make_host(state=ReviewState.SUBMITTED)
    login(host)
    assert "work-hs-open-calls" not in client.get("/enterprise/").get_data(as_text=True)
    page = client.get("/enterprise/hs/open-calls").get_data(as_text=True)
    assert 'id="host-problems"' in page and "HS-H1" in page


def test_HS_subsidy_2_disqualified_host_is_not_prompted(client, login, db):
    make_call()
    _org, host = make_host(disqualified=True)
    login(host)
    assert "work-hs-open-calls" not in client.get("/enterprise/").get_data(as_text=True)
    assert "HS-$2" in client.get("/enterprise/hs/open-calls").get_data(as_text=True)


def test_HS_W1_hosts_cannot_manage_calls(client, login, db):
    call = make_call()
    _org, host = make_host()
    login(host)
    assert client.get(f"/enterprise/hs/calls/{call.id}").status_code == 200
    assert client.get("/enterprise/hs/calls/new").status_code == 404
    assert client.post(f"/enterprise/hs/calls/{call.id}/close").status_code == 404
    assert "提前截止" not in client.get(f"/enterprise/hs/calls/{call.id}").get_data(as_text=True)


@pytest.mark.parametrize("role, url", [
    (Role.DISTRICT, "/district/hs/calls"),
    (Role.DISTRICT, "/center/hs/calls"),
    (Role.TRAINEE, "/center/hs/calls"),
    (Role.TRAINEE, "/enterprise/hs/open-calls"),
    (Role.EXPERT, "/center/hs/calls/new"),
])
def test_HS_W1_other_roles_get_403_or_404(client, login, db, role, url):
    make_call()
    login(make_user(role, district="110105" if role == Role.DISTRICT else None))
    assert client.get(url).status_code in (403, 404)


def test_HS_H1_only_a_host_that_may_host_gets_the_link_to_reply(client, login, db):
    call = make_call()
    _org, confirmed = make_host()
    login(confirmed)
    link = f"/enterprise/hs/proposals/new?call_id={call.id}"
    assert link in client.get("/enterprise/hs/open-calls").get_data(as_text=True)
    assert link in client.get(f"/enterprise/hs/calls/{call.id}").get_data(as_text=True)
    client.post("/logout")
    _org, pending = make_host(state=ReviewState.DISTRICT_APPROVED)
    login(pending)
    assert "/hs/proposals/new" not in client.get("/enterprise/hs/open-calls").get_data(
        as_text=True)
    assert "/hs/proposals/new" not in client.get(f"/enterprise/hs/calls/{call.id}").get_data(
        as_text=True)


def test_HS_W1_a_stale_second_close_is_refused_by_the_guarded_update(db):
    call = make_call()
    yesterday = clock.today() - timedelta(days=1)
    # Another centre user's close lands between this one's read and write.
    db.session.execute(sa.update(HsCall).where(HsCall.id == call.id)
                       .values(closes_on=yesterday)
                       .execution_options(synchronize_session=False))
    assert call.closes_on >= clock.today()  # what this user read
    with pytest.raises(ServiceError, match="已截止"):
        calls.close_call(make_user(Role.CENTER), call)
    db.session.rollback()
    assert _audit(db, call) == []
