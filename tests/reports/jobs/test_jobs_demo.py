"""The demo's finished ledger export (so the centre's job list is not empty): seeded once."""

import sqlalchemy as sa

from portal.core import jobs
from portal.models import Job, JobState, Role
from portal.reports.jobs import demo
from tests.factories import make_user


class _Story:
    def __init__(self, users):
        self.users = users

    def user(self, username):
        return self.users.get(username)


def test_demo_seeds_one_finished_export_with_its_file(app, db, client, login):
    centre = make_user(Role.CENTER, username="center")
    story = _Story({"center": centre})
    demo.seed(story)
    demo.seed(story)
    db.session.commit()
    [job] = db.session.scalars(sa.select(Job)).all()
    assert job.user_id == centre.id and job.state == JobState.DONE
    assert (jobs.jobs_dir() / job.result_stored).is_file()
    login(centre)
    assert job.result_name in client.get("/center/jobs").get_data(as_text=True)
