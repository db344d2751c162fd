"""HS-W4, HS-W8: the daily sweep reminds hosts once of filings due within 7 days or overdue."""

from datetime import timedelta

import sqlalchemy as sa

from portal import clock
from portal.models import Notification, ProposalState
from portal.reports.notifications.deadlines import sweep
from tests.high_skill.factories_delivery import make_host_user, make_project


def _reminders(db, user):
    return db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "deadline")
        .order_by(Notification.id)).all()


def test_HS_W4_list_filing_due_within_7_days_reminded_once(app, db):
    today = clock.today()
    host = make_host_user()
    due = make_project(host, state=ProposalState.APPROVED, starts_on=today + timedelta(days=12),
                       ends_on=today + timedelta(days=20))
    make_project(host, state=ProposalState.APPROVED, starts_on=today + timedelta(days=40),
                 ends_on=today + timedelta(days=45))  # due in 33 days: not yet
    assert sweep(today) == 1
    assert sweep(today) == 0  # idempotent
    assert sweep(today + timedelta(days=1)) == 0  # still "due": same reminder
    db.session.commit()
    [reminder] = _reminders(db, host)
    assert reminder.object_id == due.id and "HS-W4" in reminder.title
    assert str(today + timedelta(days=5)) in reminder.title


def test_HS_W4_overdue_list_filing_gets_its_own_reminder_once(app, db):
    today = clock.today()
    host = make_host_user()
    make_project(host, state=ProposalState.APPROVED, starts_on=today + timedelta(days=3),
                 ends_on=today + timedelta(days=20))
    assert sweep(today) == 1
    assert sweep(today) == 0
    assert "到期" in _reminders(db, host)[0].title


def test_HS_W8_completion_filing_due_and_overdue(app, db):
    today = clock.today()
    host = make_host_user()
    make_project(host, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=10))
    make_project(host, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=2))
    assert sweep(today) == 1  # deadline in 4 days; the other in 12: not yet
    assert sweep(today + timedelta(days=5)) == 2  # the first now overdue, the second due
    assert sweep(today + timedelta(days=5)) == 0
    titles = [n.title for n in _reminders(db, host)]
    assert all("HS-W8" in t for t in titles) and len(titles) == 3


def test_HS_W8_completed_project_is_not_reminded(app, db):
    today = clock.today()
    host = make_host_user()
    make_project(host, state=ProposalState.COMPLETED, starts_on=today - timedelta(days=30),
                 ends_on=today - timedelta(days=10))
    assert sweep(today) == 0


def test_notification_sweep_command_commits_once_each(app, db):
    today = clock.today()
    host = make_host_user()
    make_project(host, state=ProposalState.APPROVED, starts_on=today + timedelta(days=10),
                 ends_on=today + timedelta(days=20))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["notify-deadlines"])
    second = runner.invoke(args=["notify-deadlines"])
    assert "wrote 1 " in first.output and "wrote 0 " in second.output
    db.session.expire_all()
    assert len(_reminders(db, host)) == 1
