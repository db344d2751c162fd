"""AP-P4 check-ins under load: the database's unique key, not an `if`, keeps one per trainee.

The app is served on 127.0.0.1 by werkzeug's threaded server; each trainee is a separate
`urllib` client with its own cookie jar (a phone), logged in through the real form. All
check-ins are released at once by a barrier.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from portal.apprenticeship.training import attendance
from portal.extensions import db
from portal.models import AuditLog, CheckIn, ReviewState
from tests.enrolment_factories import make_class_session, make_enrolment, trainee_of
from tests.live import LiveClient
from tests.programme_factories import make_programme

TRAINEES = 100
class Phone(LiveClient):
    """One trainee's browser."""

    def login(self, username: str, home: str = "/m/") -> None:
        super().login(username, home)

    def open_code(self, path: str) -> str:
        """Scan: the check-in page; returns the form's CSRF token for the 签到 button."""
        status, page, _ = self.request(path)
        assert status == 200 and ">签到</button>" in page, (status, page[:500])
        return self.csrf(page)


def _trainees(programme, n: int):
    return [trainee_of(make_enrolment(programme=programme)) for _ in range(n)]


def _count(model, **where) -> int:
    db.session.rollback()
    q = sa.select(sa.func.count()).select_from(model)
    for column, value in where.items():
        q = q.where(getattr(model, column) == value)
    return db.session.scalar(q)


def test_AP_P4_hundred_trainees_check_in_at_once_and_every_one_is_recorded(app, served):
    started = time.monotonic()
    programme = make_programme(state=ReviewState.APPROVED, planned_count=TRAINEES + 10)
    users = _trainees(programme, TRAINEES)
    session = make_class_session(programme)
    session_id, names = session.id, [u.username for u in users]

    phones = [Phone(served) for _ in names]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(Phone.login, phones, names))
        path = f"/m/checkin/{attendance.checkin_token(session_id)}"
        tokens = list(pool.map(lambda phone: phone.open_code(path), phones))

    barrier = threading.Barrier(TRAINEES)

    def tap(phone: Phone, csrf: str):
        barrier.wait(timeout=30)
        return phone.request(path, {"csrf_token": csrf})

    with ThreadPoolExecutor(max_workers=TRAINEES) as pool:
        answers = list(pool.map(tap, phones, tokens))

    # The POST answers 已签到 itself (AP-P1: no redirect round trip).
    problems = [(status, where) for status, page, where in answers
                if status != 200 or where != path or "已签到" not in page]
    assert problems == []
    assert _count(CheckIn, session_id=session_id) == TRAINEES
    db.session.rollback()
    enrolments = db.session.scalars(sa.select(CheckIn.enrolment_id)).all()
    assert len(set(enrolments)) == TRAINEES
    assert _count(AuditLog, object_type="check_in") == TRAINEES
    assert time.monotonic() - started < 30


def test_AP_P4_two_simultaneous_check_ins_of_one_trainee_make_one_row(app, served):
    programme = make_programme(state=ReviewState.APPROVED)
    (user,) = _trainees(programme, 1)
    username = user.username
    # Two phones of the same trainee (or one phone tapped twice), five sessions in a row.
    phones = [Phone(served), Phone(served)]
    for phone in phones:
        phone.login(username)
    for _ in range(5):
        session_id = make_class_session(programme).id
        path = f"/m/checkin/{attendance.checkin_token(session_id)}"
        tokens = [phone.open_code(path) for phone in phones]
        barrier = threading.Barrier(2)

        def tap(phone: Phone, csrf: str, path=path, barrier=barrier):
            barrier.wait(timeout=10)
            return phone.request(path, {"csrf_token": csrf})

        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(tap, phones, tokens))
        for status, page, where in answers:
            assert (status, where) == (200, path)
            assert "已签到" in page and "签到时间" in page
        assert _count(CheckIn, session_id=session_id) == 1
    assert _count(AuditLog, object_type="check_in") == 5
