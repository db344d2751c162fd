"""HS check-ins under a real double tap against a live server: the unique key
(session_id, hs_trainee_id), not an `if`, keeps one check-in per trainee per session."""

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from portal.apprenticeship.training import attendance
from portal.extensions import db
from portal.models import AuditLog, CheckIn
from tests.high_skill.factories_delivery import (
    make_host_user,
    make_hs_session,
    make_hs_trainee,
    make_project,
    user_of,
)
from tests.live import LiveClient


class Phone(LiveClient):
    def login(self, username: str, home: str = "/m/") -> None:
        super().login(username, home)

    def open_code(self, path: str) -> str:
        status, page, _ = self.request(path)
        assert status == 200 and ">签到</button>" in page, (status, page[:500])
        return self.csrf(page)


def _count(model, **where) -> int:
    db.session.rollback()
    q = sa.select(sa.func.count()).select_from(model)
    for column, value in where.items():
        q = q.where(getattr(model, column) == value)
    return db.session.scalar(q)


def test_HS_two_simultaneous_check_ins_of_one_trainee_make_one_row(app, served):
    project = make_project(make_host_user())
    trainee = make_hs_trainee(project)
    username, trainee_id = user_of(trainee).username, trainee.id
    phones = [Phone(served), Phone(served)]
    for phone in phones:
        phone.login(username)
    for _ in range(3):
        session_id = make_hs_session(project).id
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
            assert "已签到" in page
        assert _count(CheckIn, session_id=session_id, hs_trainee_id=trainee_id) == 1
    assert _count(AuditLog, object_type="check_in") == 3


def test_HS_W8_two_simultaneous_completion_filings_file_once(app, served):
    from portal.models import FilingKind, HsFiling, HsProposal, ProposalState
    from tests.high_skill.factories_delivery import assess_all, ended_project, give_summary

    host_user = make_host_user()
    project = ended_project(host_user)
    trainee = make_hs_trainee(project)
    give_summary(trainee)
    assess_all(trainee)
    project_id, username = project.id, host_user.username
    path = f"/enterprise/hs/delivery/{project_id}/completion"
    browsers = [LiveClient(served), LiveClient(served)]
    for browser in browsers:
        browser.login(username, "/enterprise/")
    tokens = [browser.csrf(browser.request(path)[1]) for browser in browsers]
    barrier = threading.Barrier(2)

    def file(browser, csrf):
        barrier.wait(timeout=10)
        return browser.request(path, {"csrf_token": csrf, "summary": "总" * 60})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(file, browsers, tokens))
    assert all(status == 200 for status, _page, _where in answers)
    assert _count(HsFiling, proposal_id=project_id, kind=FilingKind.COMPLETION) == 1
    assert db.session.get(HsProposal, project_id).state == ProposalState.COMPLETED
    assert _count(AuditLog, object_type="hs_proposal", action="file_completion") == 1
