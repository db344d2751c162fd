"""HS-W8 on the worklist: the host sees completion filings due within 7 days or overdue; the
centre sees overdue projects and the late filings; each links to the list of those rows."""

import re
from datetime import timedelta

from portal import clock
from portal.models import FilingKind, HsFiling, ProposalState, Role
from tests.factories import make_user
from tests.high_skill.factories_delivery import ended_project, make_host_user, make_project


def work_count(page: str, key: str) -> int:
    match = re.search(rf'id="work-{key}".*?class="work-count">(\d+)<', page, re.S)
    return int(match.group(1)) if match else 0


def test_HS_W8_host_worklist_counts_filings_due_within_7_days_or_overdue(db, client_for):
    host_user = make_host_user()
    ended_project(host_user, days_ago=7)  # deadline in 7 days: due
    ended_project(host_user, days_ago=20)  # overdue
    ended_project(host_user, days_ago=6)  # deadline in 8 days: not yet
    make_project(host_user)  # still running
    ended_project(host_user, days_ago=30, state=ProposalState.COMPLETED)  # filed already
    ended_project(make_host_user(), days_ago=20)  # another host's
    host = client_for(host_user)
    home = host.get("/enterprise/").get_data(as_text=True)
    assert work_count(home, "hs-completion-due") == 2
    assert "/enterprise/hs/delivery?due=1" in home
    listing = host.get("/enterprise/hs/delivery?due=1").get_data(as_text=True)
    assert listing.count('id="project-') == 2 and "已逾期 6 天" in listing


def test_HS_W8_host_role_user_sees_the_same_kind(db, client_for):
    host_user = make_host_user(Role.HOST)
    ended_project(host_user, days_ago=10)
    home = client_for(host_user).get("/host/").get_data(as_text=True)
    assert work_count(home, "hs-completion-due") == 1


def test_HS_W8_centre_worklist_counts_overdue_projects_and_late_filings(db, client_for):
    host_user = make_host_user()
    ended_project(host_user, days_ago=15)  # overdue, not filed
    ended_project(host_user, days_ago=10)  # due soon, not overdue
    late = ended_project(host_user, days_ago=40, state=ProposalState.COMPLETED)
    on_time = ended_project(host_user, days_ago=40, state=ProposalState.COMPLETED)
    today = clock.today()
    for project, is_late in ((late, True), (on_time, False)):
        db.session.add(HsFiling(proposal_id=project.id, version=2, kind=FilingKind.COMPLETION,
                                filed_on=today - timedelta(days=5), late=is_late,
                                snapshot={"roster": [], "failed": []}))
    db.session.commit()
    centre = client_for(make_user(Role.CENTER))
    home = centre.get("/center/").get_data(as_text=True)
    assert work_count(home, "hs-completion-overdue") == 1
    late_count = 1 if late.year == today.year else 0
    assert work_count(home, "hs-late-completions") == late_count
    overdue = centre.get("/center/hs/delivery?due=overdue").get_data(as_text=True)
    assert overdue.count('id="project-') == 1
