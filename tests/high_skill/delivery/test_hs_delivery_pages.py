"""The delivery pages as pages: full page or htmx fragment, a constant number of queries on the
lists however many rows, masked ID numbers, and who reaches what."""

import pytest

from portal.models import Role
from tests.factories import make_user
from tests.high_skill.factories_delivery import (
    assess_all,
    attend,
    ended_project,
    give_summary,
    make_host_user,
    make_hs_session,
    make_hs_trainee,
)


def test_HS_delivery_page_queries_do_not_grow_with_trainees(db, client_for, count_queries):
    host_user = make_host_user()
    project = ended_project(host_user)
    session = make_hs_session(project, closed=True)
    host = client_for(host_user)

    def add(n):
        for _ in range(n):
            t = make_hs_trainee(project)
            give_summary(t)
            assess_all(t)
            attend(t, session)

    add(2)
    url = f"/enterprise/hs/delivery/{project.id}"
    host.get(url)
    with count_queries() as few:
        page = host.get(url).get_data(as_text=True)
    add(6)
    with count_queries() as many:
        more = host.get(url).get_data(as_text=True)
    assert more.count('id="trainee-') == 8 and page.count('id="trainee-') == 2
    assert len(many) == len(few)


def test_C_PII_delivery_page_masks_resident_ids(hs, client_for):
    host = client_for(hs.host_user)
    page = host.get(f"/enterprise/hs/delivery/{hs.project.id}").get_data(as_text=True)
    trainee = hs.trainees[0]
    assert trainee.resident_id not in page and trainee.resident_id[:6] in page


def test_HS_delivery_list_is_a_fragment_for_htmx(hs, client_for):
    host = client_for(hs.host_user)
    full = host.get("/enterprise/hs/delivery").get_data(as_text=True)
    assert "<html" in full and hs.project.title in full
    fragment = host.hx_get("/enterprise/hs/delivery").get_data(as_text=True)
    assert "<html" not in fragment and 'id="results"' in fragment


def test_HS_centre_filings_list_queries_are_constant(db, client_for, count_queries):
    from portal import clock
    from portal.extensions import db as _db
    from portal.models import FilingKind, HsFiling, ProposalState

    host_user = make_host_user()
    centre = client_for(make_user(Role.CENTER))

    def add(n):
        for _ in range(n):
            p = ended_project(host_user, days_ago=20, state=ProposalState.COMPLETED)
            _db.session.add(HsFiling(proposal_id=p.id, version=2, kind=FilingKind.COMPLETION,
                                     filed_on=clock.today(), late=True,
                                     snapshot={"roster": [], "failed": []}))
        _db.session.commit()

    add(1)
    centre.get("/center/hs/completions")
    with count_queries() as few:
        centre.get("/center/hs/completions")
    add(5)
    with count_queries() as many:
        page = centre.get("/center/hs/completions").get_data(as_text=True)
    assert page.count('id="filing-') == 6 and "逾期 6 天" in page
    assert len(many) == len(few)


@pytest.mark.parametrize("path", ["/hs/delivery", "/hs/completions"])
def test_HS_delivery_pages_are_closed_to_other_roles(db, client_for, path):
    trainee = client_for(make_user(Role.TRAINEE))
    assert trainee.get(f"/center{path}").status_code == 403
    assert trainee.get(f"/enterprise{path}").status_code in (403, 404)


def test_HS_centre_cannot_open_or_close_sessions(hs, client_for):
    session = make_hs_session(hs.project)
    centre = client_for(make_user(Role.CENTER))
    assert centre.post(f"/center/hs/delivery/sessions/{session.id}/close").status_code == 404
    assert centre.get(f"/center/hs/delivery/{hs.project.id}/sessions/new").status_code == 404
