"""PostgreSQL at scale: the queues' queries read what they show through indexes.

A generated city (`seed-scale`, 12,000 apprentices, freshly ANALYZEd) is served through the
real stack; every statement a page runs is EXPLAINed with its own parameters, and no plan
may scan a whole large table (one of more than LARGE rows: apprentices, enrolments,
check-ins, sessions, credits, the audit log). Scans of small tables (districts, the
catalogue, a few thousand organisations) are the planner's cheaper choice and allowed.
"""

import json
import os

import pytest
import sqlalchemy as sa

from portal.city.generate import PASSWORD
from portal.cli import seed_city

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="query plans are PostgreSQL's")
APPRENTICES = 12_000
LARGE = 5_000
DISTRICT = "110105"


def _seq_scans(plan: dict) -> list[str]:
    found = [plan["Relation Name"]] if plan.get("Node Type") == "Seq Scan" else []
    for child in plan.get("Plans", ()):
        found += _seq_scans(child)
    return found


def _statements(db, client, url: str, htmx: bool = False) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        response = client.hx_get(url) if htmx else client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    assert response.status_code == 200, url
    return seen


def _whole_table_scans(db, statements) -> list[str]:
    with db.engine.connect() as conn:
        large = set(conn.execute(sa.text(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > :n"),
            {"n": LARGE}).scalars())
        cursor = conn.connection.driver_connection.cursor()
        found = []
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            found += [f"{table}: {statement[:160]}" for table in _seq_scans(plan[0]["Plan"])
                      if table in large]
    return found


def _login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_district_queues_and_city_pages_use_indexes_at_scale(app, db, client):
    summary = seed_city(APPRENTICES, seed=1)
    programme, session = summary["chaoyang_programme"], summary["today_sessions"][0]
    pages = {
        f"s-{DISTRICT}": [
            "/district/programmes?status=submitted&per_page=50",
            "/district/programmes?status=all&per_page=50",
            "/district/enrolments?status=submitted&per_page=50",
            "/district/enrolments?status=all&per_page=50",
            "/district/organisations",
            "/district/status-changes",
            f"/district/programmes/{programme}",
        ],
        "s-center": ["/center/", "/center/enrolments?status=submitted&per_page=50",
                     "/center/programmes?status=all&per_page=50"],
    }
    scans = []
    for username, urls in pages.items():
        _login(client, username)
        for url in urls:
            scans += [f"{url} → {scan}" for scan in _whole_table_scans(
                db, _statements(db, client, url))]
        client.post("/logout")
    owner = db.session.scalar(sa.text(
        "SELECT u.username FROM \"user\" u JOIN class_session s ON s.org_id = u.org_id "
        "WHERE s.id = :s"), {"s": session})
    _login(client, owner)
    url = f"/institution/sessions/{session}/attendees"
    scans += [f"{url} → {scan}" for scan in _whole_table_scans(
        db, _statements(db, client, url, htmx=True))]
    assert not scans, "\n".join(scans)
