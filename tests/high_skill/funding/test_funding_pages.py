"""HS-$1, HS-W9, HS-W10: worklists count what the linked lists show; lists cost a constant
number of queries; the review queue answers htmx with its row."""

from portal.core.workflow import Decision
from portal.extensions import db
from portal.high_skill.funding import claims
from portal.models import ClaimState, OrgKind
from portal.worklist.registry import worklist_for
from tests.high_skill.factories_funding import centre, completed_project, host, hs_claim


def _count(app, user, key):
    with app.test_request_context():
        return {w.key: (w.count, w.url) for w in worklist_for(user).items}.get(key, (0, None))


def test_HS_subsidy_1_worklists_of_host_and_centre(app, client, login):
    """HS-$1, C-REV: the host's completed projects not yet claimed, the centre's claims to
    review and to pay, each counting what its link lists."""
    org, user = host(OrgKind.INSTITUTION, institution_type="technical_school",
                     independent_legal_person=True, attests_conditions=True)
    project, _ = completed_project(org)
    completed_project(org, filed=False)
    boss = centre()
    assert _count(app, user, "host-hs-unclaimed") == (2, "/institution/hs/funding?todo=1")
    login(user)
    listed = client.get("/institution/hs/funding?todo=1").get_data(as_text=True)
    assert listed.count('id="project-') == 2
    claim = claims.create_claim(user, project)
    claims.submit(user, claim)
    db.session.commit()
    assert _count(app, user, "host-hs-unclaimed")[0] == 1
    assert _count(app, boss, "center-hs-claims") == (
        1, "/center/hs/funding/claims?state=submitted")
    claims.review(boss, claim, Decision.RETURN, "请补充材料")
    db.session.commit()
    assert _count(app, user, "host-hs-claims-returned")[0] == 1
    assert _count(app, boss, "center-hs-claims")[0] == 0
    claims.submit(user, claim)
    claims.review(boss, claim, Decision.APPROVE)
    db.session.commit()
    assert _count(app, boss, "center-hs-payments-due") == (1, "/center/payments?scheme=hs")
    assert _count(app, boss, "center-payments-due")[0] == 0  # the apprenticeship kind
    client.post("/logout")
    login(boss)
    due = client.get("/center/payments?scheme=hs").get_data(as_text=True)
    assert claim.number in due
    assert claim.number not in client.get("/center/payments?scheme=ap").get_data(as_text=True)


def test_HS_subsidy_1_review_queue_htmx_answers_the_row(app, client, login):
    """C-REV: an inline approval returns only the row, with the toast event."""
    project, _ = completed_project()
    claim = hs_claim(project, ClaimState.SUBMITTED)
    login(centre())
    answer = client.post(f"/center/hs/funding/claims/{claim.id}/review",
                         data={"decision": "approve"}, htmx=True)
    body = answer.get_data(as_text=True)
    assert "<html" not in body and f'id="claim-{claim.id}"' in body
    assert "hsClaimReviewed" in answer.headers.get("HX-Trigger", "")
    db.session.rollback()
    assert db.session.get(type(claim), claim.id).state == ClaimState.APPROVED


def test_HS_subsidy_1_HS_W10_lists_cost_constant_queries(app, client, login, count_queries):
    """No N+1: the projects, claims, checks and payments lists cost the same for 1 and 4."""
    from tests.high_skill.funding.test_funding_checks import _check

    boss = centre()
    login(boss)
    urls = ("/center/hs/funding", "/center/hs/funding/claims?state=all",
            "/center/hs/funding/checks", "/center/payments?scheme=hs", "/center/recoveries")

    def add():
        project, _ = completed_project(size=20)
        hs_claim(project, ClaimState.APPROVED)
        _check(client, project, result="problems", findings="缺签到")

    def cost() -> list[int]:
        out = []
        for url in urls:
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            out.append(len(statements))
        return out

    add()
    small = cost()
    for _ in range(3):
        add()
    assert cost() == small
