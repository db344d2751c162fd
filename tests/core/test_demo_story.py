"""`flask seed-demo` tells the story a newcomer needs: every queue and page has content."""

import sqlalchemy as sa

from portal.clock import beijing_day_bounds, today
from portal.demo_data import DEMO_PASSWORD
from portal.models import (
    AuditLog,
    ChangeState,
    CheckIn,
    ClassSession,
    Enrolment,
    EnrolmentState,
    LeaveRequest,
    LeaveState,
    Programme,
    ReviewState,
    StatusChange,
)


def _count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _seeded(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def test_demo_chaoyang_queue_has_about_thirty_waiting_some_returned_one_resubmitted(app, db, client):
    _seeded(app)
    chaoyang = (Enrolment.district_code == "110105",)
    waiting = _count(db, Enrolment, *chaoyang, Enrolment.state == EnrolmentState.SUBMITTED)
    assert 24 <= waiting <= 32
    assert _count(db, Enrolment, *chaoyang, Enrolment.state == EnrolmentState.RETURNED) >= 3
    resubmitted = db.session.scalars(sa.select(AuditLog.object_id).where(
        AuditLog.object_type == "enrolment", AuditLog.action == "return")).all()
    assert any(db.session.get(Enrolment, i).state == EnrolmentState.SUBMITTED for i in resubmitted)
    client.post("/login", data={"username": "chaoyang", "password": DEMO_PASSWORD})
    page = client.get("/district/enrolments?status=submitted").get_data(as_text=True)
    assert page.count('id="enrolment-') >= 20


def test_demo_programmes_in_every_state_and_an_entrustment(db, app):
    _seeded(app)
    states = set(db.session.scalars(sa.select(Programme.state)))
    assert states == set(ReviewState)
    assert _count(db, Programme, Programme.entrusted_enterprise_id.is_not(None)) >= 1


def test_demo_class_today_with_check_ins_leave_and_status_changes(db, app):
    _seeded(app)
    start, end = beijing_day_bounds(today())
    session = db.session.scalar(sa.select(ClassSession).where(
        ClassSession.starts_at >= start, ClassSession.starts_at < end))
    assert session is not None and session.closed_at is None
    assert _count(db, CheckIn, CheckIn.session_id == session.id) >= 5
    assert {LeaveState.REQUESTED, LeaveState.APPROVED} <= set(
        db.session.scalars(sa.select(LeaveRequest.state)))
    assert _count(db, StatusChange, StatusChange.state == ChangeState.SUBMITTED) >= 1
    scheduled = db.session.scalar(sa.select(StatusChange).where(
        StatusChange.state == ChangeState.APPROVED))
    assert scheduled.scheduled  # AP-P2: approved, effective later


def test_demo_story_is_idempotent(db, app):
    _seeded(app)
    tables = (Enrolment, ClassSession, CheckIn, LeaveRequest, StatusChange, AuditLog)
    first = {t.__name__: _count(db, t) for t in tables}
    _seeded(app)
    assert {t.__name__: _count(db, t) for t in tables} == first


def test_demo_refused_in_production(app, db):
    app.config["PORTAL_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.config["PORTAL_ENV"] = "development"
    assert result.exit_code != 0 and "PORTAL_ENV=production" in result.output
    assert _count(db, Enrolment) == 0
