"""HS-H2 under concurrency: the guarded counter, not an `if`, decides.

One host has submitted one proposal this year; two tabs (two live sessions, each a
separate `urllib` client logged in through the real form) submit its 2nd and 3rd at the
same moment against the app served on 127.0.0.1: exactly one succeeds.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import COUNTED_PROPOSAL_STATES, HsHostYear, HsProposal, ProposalState
from tests.high_skill.factories_proposals import make_call, make_host, make_proposal
from tests.live import LiveClient
from tests.races import needs_postgres


@needs_postgres
@pytest.mark.parametrize("counter_row", [True, False], ids=["counter-exists", "first-use"])
def test_HS_H2_two_tabs_submit_the_2nd_and_3rd_proposal_at_once_exactly_one_wins(
        app, served, counter_row):
    """With the counter row there (the first went through the service) only the guarded
    UPDATE can separate the two; without it (a stored first proposal) the two race to create
    the row from the count."""
    org, user = make_host()
    call = make_call()
    make_proposal(org, call, state=ProposalState.SUBMITTED)
    if counter_row:
        db.session.add(HsHostYear(host_id=org.id, year=call.year, submitted=1))
        db.session.commit()
    drafts = [make_proposal(org, call).id for _ in range(2)]
    host_id, year = org.id, call.year
    tabs = [LiveClient(served) for _ in drafts]
    for tab in tabs:
        tab.login(user.username, "/enterprise/")
    pages = [tab.request(f"/enterprise/hs/proposals/{pid}") for tab, pid in zip(tabs, drafts,
                                                                                 strict=True)]
    assert all("提交实施方案" in page for _s, page, _w in pages)
    tokens = [LiveClient.csrf(page) for _s, page, _w in pages]
    barrier = threading.Barrier(2)

    def submit(tab: LiveClient, token: str, proposal_id: int):
        barrier.wait(timeout=10)
        return tab.request(f"/enterprise/hs/proposals/{proposal_id}/submit",
                           {"csrf_token": token})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(submit, tabs, tokens, drafts))
    assert [status for status, _p, _w in answers] == [200, 200]
    pages = [page for _s, page, _w in answers]
    assert sum("实施方案已提交市就业促进中心" in page for page in pages) == 1
    assert sum("每家承办单位每年申报的项目不超过2个（规则 HS-H2）" in page for page in pages) == 1
    db.session.rollback()
    states = sorted(db.session.scalars(sa.select(HsProposal.state)
                                       .where(HsProposal.id.in_(drafts))))
    assert states == sorted([ProposalState.DRAFT, ProposalState.SUBMITTED])
    counted = db.session.scalar(sa.select(sa.func.count()).select_from(HsProposal).where(
        HsProposal.host_id == host_id, HsProposal.state.in_(COUNTED_PROPOSAL_STATES)))
    assert counted == 2
    assert db.session.get(HsHostYear, (host_id, year)).submitted == 2
