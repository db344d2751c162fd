"""HS-P2 under concurrency: a guarded UPDATE of the year's tally, not an `if`, decides.

780 of the year's 800 are approved; two centre users approve two proposals of 20 at the
same moment (each a separate browser logged in through the real form, against the app
served on 127.0.0.1): exactly one is approved, the other refused naming how many remain,
and the tally ends at 800. Run with TEST_DATABASE_URL for PostgreSQL's row locks.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from portal.extensions import db
from portal.high_skill.review import services
from portal.models import HsProposal, HsYearTally, ProposalState, User
from tests.factories import PASSWORD
from tests.high_skill.factories_review import (
    YEAR,
    centre_user,
    make_expert,
    make_proposal,
    scored,
)
from tests.live import LiveClient
from tests.races import at_once


def _two_ready_proposals(approved_before: int = 780) -> list[int]:
    db.session.add(HsYearTally(year=YEAR, approved_quota=approved_before))
    db.session.commit()
    ids = []
    for _ in range(2):
        proposal = make_proposal(planned_trainees=20)
        scored(proposal, make_expert())
        ids.append(proposal.id)
    return ids


def _login(browser: LiveClient, username: str, landing: str) -> None:
    """The real login form, landing on `landing` (the review queue, not the home page)."""
    _s, page, _w = browser.request(f"/login?next={landing}")
    status, _p, where = browser.request(f"/login?next={landing}", {
        "username": username, "password": PASSWORD, "csrf_token": LiveClient.csrf(page)})
    assert (status, where) == (200, landing), (status, where)


def _outcome(ids: list[int]) -> tuple[list[str], int]:
    db.session.rollback()
    states = sorted(db.session.scalars(sa.select(HsProposal.state)
                                       .where(HsProposal.id.in_(ids))))
    tally = db.session.scalar(sa.select(HsYearTally.approved_quota)
                              .where(HsYearTally.year == YEAR))
    return states, tally


def test_HS_P2_two_live_approvals_passing_the_cap_exactly_one_wins(app, served, criteria):
    ids = _two_ready_proposals()
    names = [centre_user().username, centre_user().username]
    browsers = [LiveClient(served) for _ in names]
    for browser, name in zip(browsers, names, strict=True):
        _login(browser, name, "/center/hs/review")
    pages = [b.request(f"/center/hs/review/{pid}") for b, pid in zip(browsers, ids, strict=True)]
    assert [where for _s, _p, where in pages] == [f"/center/hs/review/{pid}" for pid in ids]
    tokens = [LiveClient.csrf(page) for _s, page, _w in pages]
    barrier = threading.Barrier(2)

    def approve(browser: LiveClient, token: str, proposal_id: int):
        barrier.wait(timeout=10)
        return browser.request(f"/center/hs/review/{proposal_id}/approve",
                               {"csrf_token": token, "quota": "20"})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(approve, browsers, tokens, ids))
    assert [status for status, _p, _w in answers] == [200, 200]
    refused = [page for _s, page, _w in answers
               if "尚余0人" in page and "800人的上限（规则 HS-P2）" in page]
    assert len(refused) == 1
    states, tally = _outcome(ids)
    assert states == sorted([ProposalState.APPROVED, ProposalState.SUBMITTED])
    assert tally == 800


def test_HS_P2_two_service_approvals_at_once_never_pass_the_cap(app, criteria):
    ids = _two_ready_proposals(780)  # room for exactly one of the two quotas of 20
    actors = [centre_user().id, centre_user().id]

    def approving(actor_id: int, proposal_id: int, quota: int):
        return lambda: services.approve(db.session.get(User, actor_id),
                                        db.session.get(HsProposal, proposal_id), quota)

    outcomes = at_once(app, db, *(approving(a, p, 20) for a, p in zip(actors, ids,
                                                                     strict=True)))
    assert outcomes.count("ok") == 1
    (refusal,) = [o for o in outcomes if o != "ok"]
    assert "尚余0人" in refusal and "（规则 HS-P2）" in refusal
    assert _outcome(ids) == (sorted([ProposalState.APPROVED, ProposalState.SUBMITTED]), 800)
