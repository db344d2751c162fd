"""The city's training records: class sessions (past and today's), check-ins, credits,
leave and changes of status, and the trainee accounts of today's classes."""

from datetime import timedelta

from portal.models import (
    CheckIn,
    ClassSession,
    CreditRecord,
    LeaveRequest,
    StatusChange,
    User,
)

SESSIONS_PER_PROGRAMME = 22
CHECK_IN_SHARE = 0.7
LEAVE_STATES = ("requested", "approved", "rejected", "cancelled", "returned")
CHANGE_KINDS = ("suspend", "resume", "extend", "withdraw", "transfer")
CHANGE_STATES = ("submitted", "returned", "approved", "rejected", "cancelled")


def sessions(city) -> None:
    """Past closed sessions with ~60 % check-ins; a class under way today in 100 programmes."""
    t, rng, w = ClassSession.__table__, city.rng, city.w
    city.today_sessions = []
    with_trainees = [p for p in city.approved if city.active_by_programme.get(p["id"])]
    for n, programme in enumerate(with_trainees):
        active = city.active_by_programme[programme["id"]]
        days = max(2, (city.today - programme["start_date"]).days)
        for k in range(SESSIONS_PER_PROGRAMME):
            starts = city.now - timedelta(days=rng.randint(1, days - 1), hours=rng.randint(0, 6))
            session_id = w.id(t)
            w.add(t, dict(id=session_id, programme_id=programme["id"],
                          org_id=programme["institution_id"], opened_by_id=None,
                          title=f"第{k + 1}次集中授课", starts_at=starts, late_after_minutes=10,
                          closed_at=starts + timedelta(hours=3)))
            teacher = city.org_user[programme["institution_id"]]
            city.audit("class_session", session_id, "open", teacher, "institution", starts,
                       None, "open")
            for enrolment_id, _apprentice in active:
                if rng.random() < CHECK_IN_SHARE:
                    minutes = rng.choice((1, 2, 3, 5, 20))  # one in five after the 10 minutes
                    _check_in(city, session_id, enrolment_id,
                              starts + timedelta(minutes=minutes), late=minutes > 10)
            city.audit("class_session", session_id, "close", teacher, "institution",
                       starts + timedelta(hours=3), "open", "closed")
        if n < 100:
            _today(city, programme, active)


def _today(city, programme, active) -> None:
    t, w = ClassSession.__table__, city.w
    starts = city.now - timedelta(minutes=city.rng.randint(20, 90))
    session_id = w.id(t)
    w.add(t, dict(id=session_id, programme_id=programme["id"], org_id=programme["institution_id"],
                  opened_by_id=city.org_user[programme["institution_id"]], title="今日实训课",
                  starts_at=starts, late_after_minutes=10, closed_at=None))
    city.today_sessions.append(session_id)
    for n, (enrolment_id, apprentice_id) in enumerate(active):
        city.trainees[apprentice_id] = enrolment_id
        if n % 3 == 0:  # a third already in
            _check_in(city, session_id, enrolment_id, starts + timedelta(minutes=3), late=False)


def _check_in(city, session_id: int, enrolment_id: int, at, late: bool) -> None:
    """A check-in and its audit record, as the check-in service writes them."""
    table = CheckIn.__table__
    check_in_id = city.w.id(table)
    city.w.add(table, dict(id=check_in_id, session_id=session_id, enrolment_id=enrolment_id,
                           checked_at=at, late=late))
    city.audit("check_in", check_in_id, "check_in", None, "trainee", at, None,
               "late" if late else "on_time")


def trainee_accounts(city) -> None:
    """Trainee users for the apprentices in today's classes; linked after the inserts."""
    t = User.__table__
    city.trainee_user = {}
    for apprentice_id in city.trainees:
        user_id = city.w.id(t)
        city.trainee_user[apprentice_id] = user_id
        city.w.add(t, dict(id=user_id, username=f"s-t-{apprentice_id}",
                           password_hash=city.password, role="trainee",
                           display_name=f"学员{apprentice_id}", district_code=None, org_id=None))


def records(city) -> None:
    """Credits for every active apprentice; leave and changes of status in every state."""
    rng, w = city.rng, city.w
    for programme in city.approved:
        for enrolment_id, _apprentice in city.active_by_programme.get(programme["id"], ()):
            for course, mode in (("theory", "centralised"), ("practice", "on_job")):
                day = programme["start_date"] + timedelta(days=rng.randint(0, 25))
                w.add(CreditRecord.__table__, dict(
                    enrolment_id=enrolment_id, recorded_by_org_id=programme["institution_id"],
                    recorded_by_id=None, course_type=course, mode=mode,
                    hours=rng.randrange(10, 120, 10), on_day=min(day, city.today), note=""))
                city.audit("credit_record", enrolment_id, "record_hours",
                           city.org_user[programme["institution_id"]], "institution", city.now)
            roll = rng.random()
            if roll < 0.08:
                _leave(city, programme, enrolment_id)
            elif roll < 0.12:
                _change(city, programme, enrolment_id)


def _leave(city, programme, enrolment_id) -> None:
    state = city.rng.choice(LEAVE_STATES)
    start = city.today + timedelta(days=city.rng.randint(-20, 10))
    city.w.add(LeaveRequest.__table__, dict(
        enrolment_id=enrolment_id, start_date=start, end_date=start + timedelta(days=2),
        reason="家中有事需请假", state=state, decided_by_id=None,
        decided_at=None if state in ("requested", "cancelled") else city.now, returned_on=None))
    city.audit("leave_request", enrolment_id, "request", None, "trainee", city.now, None,
               "requested")


def _change(city, programme, enrolment_id) -> None:
    kind, state = city.rng.choice(CHANGE_KINDS), city.rng.choice(CHANGE_STATES)
    if state in ("approved",) and kind in ("suspend", "withdraw", "transfer", "resume"):
        state = "rejected"  # an approved change would have moved the enrolment's state
    city.w.add(StatusChange.__table__, dict(
        enrolment_id=enrolment_id, district_code=programme["district_code"], kind=kind,
        reason="因工作调整申请学籍异动", effective_on=city.today + timedelta(days=7),
        extension_months=6 if kind == "extend" else None, target_programme_id=None,
        state=state, decided_by_id=None, decided_at=None, comment="",
        applied_at=city.now if state == "approved" else None))
    city.audit("status_change", enrolment_id, "status_change_requested",
               city.org_user[programme["enterprise_id"]], "enterprise", city.now, None,
               "submitted")


def link_trainees(city, db, sa) -> None:
    """apprentice.user_id of today's trainees, in one UPDATE per chunk."""
    from portal.models import Apprentice

    pairs = [{"a": a, "u": u} for a, u in city.trainee_user.items()]
    table = Apprentice.__table__
    stmt = table.update().where(table.c.id == sa.bindparam("a")).values(
        user_id=sa.bindparam("u"))
    for start in range(0, len(pairs), 5000):
        db.session.execute(stmt, pairs[start:start + 5000])
