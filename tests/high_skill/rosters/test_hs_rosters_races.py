"""Two filings at the same moment (PostgreSQL): exactly one wins (HS-W4, HS-W5)."""

import sqlalchemy as sa

from portal.high_skill.rosters import changes, services, snapshots
from portal.models import HsFiling, HsProposal, User
from tests.high_skill.factories_rosters import add_trainees, make_project
from tests.races import at_once, needs_postgres


def _versions(db, project_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(HsFiling.version).where(
        HsFiling.proposal_id == project_id).order_by(HsFiling.version)))


@needs_postgres
def test_HS_W4_two_filings_of_one_list_at_once_file_it_once(app, db):
    project, user = make_project(starts_in=10)
    add_trainees(project, 20)
    ids = (project.id, user.id)

    def file():
        services.file_list(db.session.get(User, ids[1]), db.session.get(HsProposal, ids[0]))

    outcomes = at_once(app, db, file, file)
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert _versions(db, project.id) == [1]


@needs_postgres
def test_HS_W5_two_changes_at_once_make_one_new_version(app, db):
    project, user = make_project(starts_in=10)
    add_trainees(project, 21)
    services.file_list(user, project)
    db.session.commit()
    ids = (project.id, user.id)

    def change(venue: str):
        def run():
            proposal = db.session.get(HsProposal, ids[0])
            plan = snapshots.plan_of(proposal, snapshots.teachers_of(proposal.id))
            request = changes.ChangeRequest(
                reason="换场地", teachers=plan["teachers"],
                plan={"starts_on": proposal.starts_on, "ends_on": proposal.ends_on,
                      "mode": str(proposal.mode), "venue": venue,
                      **{k: getattr(proposal, k) for k in snapshots.HOURS_FIELDS}})
            changes.file_change(db.session.get(User, ids[1]), proposal, request)
        return run

    outcomes = at_once(app, db, change("甲地"), change("乙地"))
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert _versions(db, project.id) == [1, 2]


@needs_postgres
def test_HS_E3_two_hosts_filing_the_same_person_at_once_only_one_succeeds(app, db):
    from tests.high_skill.factories_calls import make_host

    first, first_user = make_project(starts_in=10)
    second, second_user = make_project(make_host(), starts_in=12)
    shared = add_trainees(first, 20)[0]
    add_trainees(second, 19)
    add_trainees(second, 1, name=shared.name, resident_id=shared.resident_id)
    ids = ((first.id, first_user.id), (second.id, second_user.id))

    def file(n: int):
        def run():
            project_id, user_id = ids[n]
            services.file_list(db.session.get(User, user_id),
                               db.session.get(HsProposal, project_id))
        return run

    outcomes = at_once(app, db, file(0), file(1))
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert any("1 名学员不符合条件" in o for o in outcomes)
