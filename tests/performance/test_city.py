"""`flask seed-scale`: a believable city in every state, valid identifiers, consistent
counters, the same rows for the same seed, refused twice and in production."""

import hashlib
import shutil

import sqlalchemy as sa
from stdnum.cn import ric, uscc

from portal import create_app
from portal.cli import seed_city
from portal.extensions import db as _db
from portal.models import (
    ChangeState,
    Enrolment,
    EnrolmentState,
    LeaveState,
    Organisation,
    Programme,
    ReviewState,
    StatusChangeKind,
)
from tests.conftest import PG_URL, _config

SMALL = 600


def _states(db, column) -> set[str]:
    return {str(v) for v in db.session.scalars(sa.select(column).distinct())}


def _digest(db) -> str:
    rows = db.session.execute(sa.text(
        "SELECT a.resident_id, a.name, e.state, e.programme_id, e.monthly_wage "
        "FROM apprentice a JOIN enrolment e ON e.apprentice_id = a.id ORDER BY a.id")).all()
    checks = db.session.execute(sa.text(
        "SELECT session_id, enrolment_id, late FROM check_in ORDER BY id")).all()
    return hashlib.sha256(repr((rows, checks)).encode()).hexdigest()


def test_every_state_is_in_the_city(app, db):
    seed_city(SMALL, seed=1)
    assert _states(db, Organisation.state) == {s.value for s in ReviewState}
    assert _states(db, Programme.state) == {s.value for s in ReviewState}
    assert _states(db, Enrolment.state) == {s.value for s in EnrolmentState}
    leave = _states(db, sa.text("state FROM leave_request"))
    assert leave == {s.value for s in LeaveState}
    changes = db.session.execute(sa.text("SELECT DISTINCT kind, state FROM status_change")).all()
    assert {k for k, _s in changes} == {k.value for k in StatusChangeKind}
    assert {s for _k, s in changes} == {s.value for s in ChangeState}


def test_C_ID1_identifiers_are_valid_and_unique(app, db):
    seed_city(SMALL, seed=1)
    ids = db.session.scalars(sa.text("SELECT resident_id FROM apprentice")).all()
    assert len(ids) == SMALL and all(ric.is_valid(i) for i in ids)
    codes = db.session.scalars(sa.text("SELECT credit_code FROM organisation")).all()
    assert codes and all(uscc.is_valid(c) for c in codes)


def test_AP_E5_seats_and_holding_enrolments_are_consistent(app, db):
    seed_city(SMALL, seed=1)
    wrong = db.session.execute(sa.text(
        "SELECT p.id FROM programme p LEFT JOIN enrolment e ON e.programme_id = p.id "
        "AND e.state IN ('submitted', 'active', 'suspended') GROUP BY p.id, p.enrolled_count "
        "HAVING COUNT(e.id) <> p.enrolled_count")).all()
    assert wrong == []
    outside = db.session.scalar(sa.text(
        "SELECT COUNT(*) FROM check_in c JOIN class_session s ON s.id = c.session_id "
        "JOIN enrolment e ON e.id = c.enrolment_id WHERE e.programme_id <> s.programme_id"))
    assert outside == 0


def test_the_same_seed_gives_the_same_city(app, db, database_template, tmp_path):
    seed_city(SMALL, seed=1)
    first = _digest(db)
    if PG_URL:  # one database per session there; SQLite shows it with a second file
        return
    other = tmp_path / "other.sqlite3"
    shutil.copyfile(database_template, other)
    second_app = create_app({**_config(f"sqlite:///{other}"), "UPLOAD_DIR": str(tmp_path)})
    with second_app.app_context():
        seed_city(SMALL, seed=1)
        assert _digest(_db) == first
        _db.session.remove()
        _db.engine.dispose()


def test_seed_scale_is_refused_twice_and_in_production(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-scale", "--apprentices", "60"]).exit_code == 0
    again = runner.invoke(args=["seed-scale", "--apprentices", "60"])
    assert again.exit_code != 0 and "已有规模测试数据" in again.output
    app.config["PORTAL_ENV"] = "production"
    refused = runner.invoke(args=["seed-scale", "--apprentices", "60"])
    assert refused.exit_code != 0 and "生产环境" in refused.output


def test_AP_W3_city_money_in_every_state_and_consistent(app, db):
    """AP-W3, AP-$4, AP-$5: the city's claims are in every state, each claim's totals are its
    lines', no fund is overdrawn and every payment is split over the funds it drew on."""
    seed_city(SMALL, seed=1)
    q = lambda sql: db.session.execute(sa.text(sql)).all()  # noqa: E731
    assert {s for (s,) in q("SELECT DISTINCT state FROM claim")} >= {
        "submitted", "district_approved", "approved", "paid", "returned"}
    assert {k for (k,) in q("SELECT DISTINCT kind FROM claim")} == {"first", "final"}
    assert not q("SELECT c.id FROM claim c JOIN claim_line l ON l.claim_id = c.id GROUP BY c.id, "
                 "c.payable HAVING c.payable != SUM(CASE WHEN l.amount > 0 THEN l.amount "
                 "ELSE 0 END)")
    assert not q("SELECT id FROM fund WHERE drawn > available")
    assert not q("SELECT p.id FROM payment p LEFT JOIN payment_part pp ON pp.payment_id = p.id "
                 "GROUP BY p.id, p.amount HAVING p.amount != COALESCE(SUM(pp.amount), 0)")
    assert not q("SELECT f.id FROM fund f LEFT JOIN payment_part pp ON pp.fund_id = f.id "
                 "GROUP BY f.id, f.drawn HAVING f.drawn != COALESCE(SUM(pp.amount), 0)")
    established = q("SELECT COUNT(*) FROM enrolment WHERE established_on IS NOT NULL")[0][0]
    assert q("SELECT COUNT(*) FROM subsidy_account")[0][0] == established
    assert q("SELECT COUNT(*) FROM recovery")[0][0] > 0
    assert {s for (s,) in q("SELECT DISTINCT state FROM recovery")} == {"open", "settled"}
