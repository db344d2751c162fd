"""AP-P2: a change of status takes effect on its effective date; until then it is scheduled.
Leave and suspension periods are not sessions an apprentice is expected to attend (AP-P4)."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.apprenticeship.status import services as status_changes
from portal.apprenticeship.status.effects import apply_due
from portal.apprenticeship.training import attendance
from portal.clock import today
from portal.core.workflow import Decision
from portal.extensions import db
from portal.models import (
    AuditLog,
    ChangeState,
    ClassSession,
    EnrolmentState,
    LeaveRequest,
    LeaveState,
    Organisation,
    Programme,
    ReviewState,
    Role,
)
from tests.enrolment_factories import make_check_ins, make_enrolment, make_status_change
from tests.factories import make_user
from tests.programme_factories import make_programme


def _district():
    return make_user(Role.DISTRICT, district="110105")


def _approve(_db, change):
    status_changes.decide(_district(), change, Decision.APPROVE)
    db.session.commit()
    db.session.expire_all()


def test_AP_P2_suspension_effective_next_week_is_scheduled_until_its_day(db, client, login):
    enrolment = make_enrolment()
    next_week = today() + timedelta(days=7)
    change = make_status_change(enrolment, "suspend", effective_on=next_week)
    _approve(db, change)
    assert enrolment.state == EnrolmentState.ACTIVE  # not yet
    assert change.state == ChangeState.APPROVED and change.scheduled
    login(_district())
    page = client.get(f"/district/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "待生效" in page and str(next_week) in page
    assert apply_due(today() + timedelta(days=6)) == (0, 0)
    db.session.expire_all()
    assert enrolment.state == EnrolmentState.ACTIVE
    assert apply_due(next_week) == (1, 0)
    db.session.expire_all()
    assert enrolment.state == EnrolmentState.SUSPENDED and not change.scheduled
    actions = [a.action for a in db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == "enrolment",
                                  AuditLog.object_id == enrolment.id).order_by(AuditLog.id))]
    assert actions[-2:] == ["status_change_scheduled", "suspend"]


def test_AP_P2_withdrawal_in_eight_days_keeps_the_seat_until_then(db):
    enrolment = make_enrolment()
    programme = db.session.get(Programme, enrolment.programme_id)
    seats = programme.enrolled_count
    day = today() + timedelta(days=8)
    _approve(db, make_status_change(enrolment, "withdraw", effective_on=day))
    assert enrolment.state == EnrolmentState.ACTIVE and programme.enrolled_count == seats
    assert apply_due(day) == (1, 0)
    db.session.expire_all()
    assert enrolment.state == EnrolmentState.WITHDRAWN and enrolment.ended_on == day
    assert programme.enrolled_count == seats - 1


def test_AP_P2_a_scheduled_change_blocks_another_request(db):
    enrolment = make_enrolment()
    _approve(db, make_status_change(enrolment, "suspend",
                                    effective_on=today() + timedelta(days=3)))
    employer = make_user(Role.ENTERPRISE,
                         org=db.session.get(Organisation,
                                            enrolment.enterprise_id))
    data = status_changes.ChangeData("withdraw", "离职", today() + timedelta(days=5))
    try:
        status_changes.request_change(employer, enrolment, data)
    except status_changes.ServiceError as refused:
        assert "待生效" in refused.message
    else:
        raise AssertionError("a second change was accepted while one was scheduled")


def test_AP_P2_a_due_change_that_cannot_apply_is_recorded_once(db):
    programme = make_programme(state=ReviewState.APPROVED)
    enrolment = make_enrolment(programme=programme)
    target = make_programme(state=ReviewState.APPROVED, planned_count=1,
                            enterprise=db.session.get(Organisation,
                                                      programme.enterprise_id))
    day = today() + timedelta(days=2)
    change = make_status_change(enrolment, "transfer", effective_on=day,
                                target_programme_id=target.id)
    _approve(db, change)
    make_enrolment(programme=target)  # the last seat goes before the day
    assert apply_due(day) == (0, 1)
    assert apply_due(day) == (0, 1)
    db.session.expire_all()
    assert change.scheduled and "目标项目已满" in change.apply_error
    assert enrolment.state == EnrolmentState.ACTIVE
    failures = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "status_change_not_applied", AuditLog.object_type == "status_change"))
    assert failures == 1


def test_AP_P2_apply_due_changes_command(app, db):
    enrolment = make_enrolment()
    day = today() + timedelta(days=1)
    _approve(db, make_status_change(enrolment, "suspend", effective_on=day))
    result = app.test_cli_runner().invoke(args=["apply-due-changes", "--day", day.isoformat()])
    assert "applied 1 change(s)" in result.output
    db.session.expire_all()
    assert enrolment.state == EnrolmentState.SUSPENDED


def _session(programme_id, org_id, day):
    session = ClassSession(programme_id=programme_id, org_id=org_id, title="课",
                           starts_at=datetime.combine(day, datetime.min.time()) + timedelta(hours=2),
                           closed_at=datetime.combine(day, datetime.min.time()) + timedelta(hours=4))
    db.session.add(session)
    db.session.commit()
    return session


def test_AP_P4_leave_and_suspension_days_are_not_expected_sessions(db):
    programme = make_programme(state=ReviewState.APPROVED)
    on_leave, suspended, present = (make_enrolment(programme=programme) for _ in range(3))
    for e in (on_leave, suspended, present):
        e.established_on = date(2026, 3, 1)
    db.session.add(LeaveRequest(enrolment_id=on_leave.id, start_date=date(2026, 6, 1),
                                end_date=date(2026, 6, 3), reason="病假",
                                state=LeaveState.APPROVED))
    db.session.commit()
    _approve(db, make_status_change(suspended, "suspend", effective_on=date(2026, 6, 2)))
    _approve(db, make_status_change(suspended, "resume", effective_on=date(2026, 6, 10)))
    sessions = {d: _session(programme.id, programme.institution_id, date(2026, 6, d))
                for d in (2, 5, 10)}
    make_check_ins(sessions[10], [on_leave, suspended, present])
    # 2 June: one on leave, one suspended; 5 June: one suspended; 10 June: all back.
    assert [attendance.expected_count(sessions[d]) for d in (2, 5, 10)] == [1, 2, 3]
    assert attendance.attendance_counts([programme.id])[programme.id] == (3, 6)


def test_AP_P2_a_scheduled_change_can_be_withdrawn_before_its_day(db):
    enrolment = make_enrolment()
    change = make_status_change(enrolment, "withdraw", effective_on=today() + timedelta(days=9))
    _approve(db, change)
    employer = make_user(Role.ENTERPRISE, org=db.session.get(Organisation, enrolment.enterprise_id))
    status_changes.cancel(employer, change)
    db.session.commit()
    assert change.state == ChangeState.CANCELLED
    assert apply_due(today() + timedelta(days=9)) == (0, 0)
    assert enrolment.state == EnrolmentState.ACTIVE


def test_AP_P2_a_change_is_applied_once_even_if_the_job_runs_twice(db):
    enrolment = make_enrolment()
    change = make_status_change(enrolment, "suspend", effective_on=today() + timedelta(days=2))
    _approve(db, change)
    day = today() + timedelta(days=2)
    assert apply_due(day) == (1, 0)
    db.session.expire_all()
    with pytest.raises(status_changes.AlreadyApplied):
        status_changes.apply_change(None, change, "")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "status_change_not_applied")) == 0


def test_AP_P2_resume_dated_on_or_before_the_suspension_refused(db):
    enrolment = make_enrolment()
    _approve(db, make_status_change(enrolment, "suspend", effective_on=date(2026, 6, 2)))
    employer = make_user(Role.ENTERPRISE, org=db.session.get(Organisation, enrolment.enterprise_id))
    with pytest.raises(status_changes.ChangeRefused) as refused:
        status_changes.request_change(employer, enrolment, status_changes.ChangeData(
            "resume", "伤愈返岗", date(2026, 6, 2)))
    assert "须晚于暂停培训的生效日期（2026-06-02）" in refused.value.message
