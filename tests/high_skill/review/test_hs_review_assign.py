"""HS-W3: the centre assigns experts; an expert of the host is refused; an expert reaches
only the proposals assigned to them."""

import sqlalchemy as sa

from portal.models import AuditLog, HsAssignment
from tests.high_skill.factories_review import (
    assign,
    centre_user,
    make_expert,
    make_host,
    make_proposal,
)


def _assignments(db, proposal):
    db.session.rollback()
    return db.session.scalars(
        sa.select(HsAssignment).where(HsAssignment.proposal_id == proposal.id)).all()


def test_HS_W3_centre_assigns_an_expert(db, login, criteria):
    proposal, expert = make_proposal(), make_expert(display_name="李专家")
    client = login(centre_user())
    page = client.get(f"/center/hs/review/{proposal.id}").get_data(as_text=True)
    assert "李专家" in page and "分配专家" in page
    answer = client.post(f"/center/hs/review/{proposal.id}/assign",
                         data={"expert_id": expert.id}, follow_redirects=True)
    assert "已分配评审专家" in answer.get_data(as_text=True)
    (a,) = _assignments(db, proposal)
    assert a.expert_id == expert.id and a.scored_at is None
    logged = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "hs_proposal", AuditLog.object_id == proposal.id)).all()
    assert "assign_expert" in logged


def test_HS_W3_expert_of_the_host_cannot_be_assigned(db, login, criteria):
    host = make_host()
    proposal = make_proposal(host)
    insider = make_expert(org=host, display_name="内部专家")
    client = login(centre_user())
    page = client.get(f"/center/hs/review/{proposal.id}").get_data(as_text=True)
    assert "内部专家" not in page  # not offered
    answer = client.post(f"/center/hs/review/{proposal.id}/assign",
                         data={"expert_id": insider.id}, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "利益冲突" in text and "规则 HS-W3" in text
    assert _assignments(db, proposal) == []


def test_HS_W3_expert_of_another_organisation_may_be_assigned(db, login, criteria):
    proposal = make_proposal()
    outsider = make_expert(org=make_host())
    login(centre_user()).post(f"/center/hs/review/{proposal.id}/assign",
                              data={"expert_id": outsider.id})
    assert [a.expert_id for a in _assignments(db, proposal)] == [outsider.id]


def test_HS_W3_same_expert_twice_refused(db, login, criteria):
    proposal, expert = make_proposal(), make_expert(display_name="王专家")
    assign(proposal, expert)
    answer = login(centre_user()).post(f"/center/hs/review/{proposal.id}/assign",
                                       data={"expert_id": expert.id}, follow_redirects=True)
    assert "王专家已分配评审本项目" in answer.get_data(as_text=True)
    assert len(_assignments(db, proposal)) == 1


def test_HS_W3_a_non_expert_account_cannot_be_assigned(db, login, criteria):
    proposal = make_proposal()
    other = centre_user()
    answer = login(centre_user()).post(f"/center/hs/review/{proposal.id}/assign",
                                       data={"expert_id": other.id}, follow_redirects=True)
    assert "请选择评审专家" in answer.get_data(as_text=True)
    assert _assignments(db, proposal) == []


def test_HS_W3_unassigning_removes_the_expert_and_is_audited(db, login, criteria):
    proposal, expert = make_proposal(), make_expert()
    a = assign(proposal, expert)
    login(centre_user()).post(f"/center/hs/review/{proposal.id}/assignments/{a.id}/remove")
    assert _assignments(db, proposal) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "unassign_expert", AuditLog.object_id == proposal.id)) == 1


def test_HS_W3_no_assignment_to_a_draft(db, login, criteria):
    proposal = make_proposal(state="draft")
    answer = login(centre_user()).post(f"/center/hs/review/{proposal.id}/assign",
                                       data={"expert_id": make_expert().id},
                                       follow_redirects=True)
    assert "只能为待评审的项目分配专家" in answer.get_data(as_text=True)
    assert _assignments(db, proposal) == []


def test_HS_W3_unassigned_expert_gets_404(db, login, criteria):
    proposal = make_proposal()
    assign(proposal, make_expert())
    stranger = login(make_expert())
    assert stranger.get(f"/expert/hs/assignments/{proposal.id}").status_code == 404
    answer = stranger.post(f"/expert/hs/assignments/{proposal.id}",
                           data={"opinion": "x", **{f"c{c.id}": 90 for c in criteria}})
    assert answer.status_code == 404
    assert proposal.title not in stranger.get("/expert/").get_data(as_text=True)


def test_HS_W3_expert_lists_only_own_assignments(db, login, criteria):
    mine, theirs = make_proposal(), make_proposal()
    me, other = make_expert(), make_expert()
    assign(mine, me)
    assign(theirs, other)
    page = login(me).get("/expert/").get_data(as_text=True)
    assert mine.title in page and theirs.title not in page


def test_HS_W3_other_roles_cannot_assign(db, login, client, criteria):
    proposal = make_proposal()
    expert = make_expert()
    login(expert)
    answer = client.post(f"/center/hs/review/{proposal.id}/assign",
                         data={"expert_id": expert.id})
    assert answer.status_code == 403
    assert _assignments(db, proposal) == []
