"""Review findings: no check-in once the roster is filed, sessions only within the project's
dates, the trainee edit page keeps ID and mobile masked (C-PII)."""

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.apprenticeship.training import attendance
from portal.core.errors import ServiceError, StateConflict
from portal.extensions import db
from portal.high_skill.delivery import sessions
from portal.models import ClassSession, ProposalState
from tests.high_skill.factories_delivery import (
    make_host_user,
    make_hs_session,
    make_hs_trainee,
    make_project,
    user_of,
)


def test_HS_W8_no_check_in_after_the_completion_filing(app):
    project = make_project(make_host_user())
    trainee = make_hs_trainee(project)
    session = make_hs_session(project)
    assert attendance.check_allowed(user_of(trainee), session).id == trainee.id
    project.state = ProposalState.COMPLETED
    db.session.commit()
    with pytest.raises(StateConflict):
        attendance.check_allowed(user_of(trainee), session)


def test_HS_W8_the_completion_filing_closes_the_open_sessions(app):
    from tests.high_skill.delivery.test_hs_completion import SUMMARY, setup_project

    host_user, project = setup_project()[:2]
    make_hs_session(project, starts_at=datetime.combine(project.ends_on, time(1, 0)))
    from portal.high_skill.delivery import completion

    completion.file_completion(host_user, project, SUMMARY, None, clock.today())
    db.session.commit()
    still_open = db.session.scalar(sa.select(sa.func.count()).select_from(ClassSession).where(
        ClassSession.hs_proposal_id == project.id, ClassSession.closed_at.is_(None)))
    assert still_open == 0


@pytest.mark.parametrize("offset", [-30, 400])
def test_HS_W5_a_session_outside_the_project_dates_is_refused(app, offset):
    host = make_host_user()
    project = make_project(host)
    day = project.starts_on + timedelta(days=offset)
    starts = clock.beijing_to_utc(datetime.combine(day, time(9, 0)))
    with pytest.raises(ServiceError, match="研修起止日期"):
        sessions.open_hs_session(host, project, "补录课堂", starts, 10, "onsite", 4)


def test_C_PII_the_trainee_edit_page_shows_id_and_mobile_masked(client, login):
    from tests.high_skill.factories_rosters import add_trainees
    from tests.high_skill.factories_rosters import make_project as approved_project

    project, user = approved_project(starts_in=10)
    row = add_trainees(project, 1)[0]
    login(user)
    page = client.get(f"/enterprise/hs/trainee-list/{row.id}/edit").get_data(as_text=True)
    assert row.resident_id not in page and row.phone not in page
    assert row.resident_id[:6] in page  # the masked form: 110105********123X
