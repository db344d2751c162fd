"""HS-W3: the centre's queue of proposals under review and the worklist kinds."""

from portal.extensions import db
from portal.models import ProposalState, User
from portal.worklist.registry import kinds_for
from tests.high_skill.factories_review import (
    assign,
    centre_user,
    make_expert,
    make_proposal,
    scored,
)


def test_HS_W3_queue_shows_scores_in_over_assigned(db, login, criteria):
    waiting = make_proposal(title="待分配项目")
    ready = make_proposal(title="评分已齐项目")
    scored(ready, make_expert())
    scoring = make_proposal(title="评分中项目")
    scored(scoring, make_expert())
    assign(scoring, make_expert())
    make_proposal(title="草稿项目", state=ProposalState.DRAFT)
    client = login(centre_user())
    page = client.get("/center/hs/review").get_data(as_text=True)
    for title in ("待分配项目", "评分已齐项目", "评分中项目"):
        assert title in page
    assert "草稿项目" not in page and "1 / 2" in page and "未分配专家" in page
    only_ready = client.hx_get("/center/hs/review?stage=ready").get_data(as_text=True)
    assert "<html" not in only_ready
    assert "评分已齐项目" in only_ready and "评分中项目" not in only_ready
    assert "待分配项目" not in only_ready
    unassigned = client.get("/center/hs/review?stage=unassigned").get_data(as_text=True)
    assert "待分配项目" in unassigned and "评分已齐项目" not in unassigned
    assert waiting.id


def test_HS_W3_worklist_of_centre_and_expert(app, db, criteria):
    expert = make_expert()
    make_proposal()  # no expert yet
    ready = make_proposal()
    scored(ready, expert)
    assign(make_proposal(), expert)  # to score

    centre = centre_user()
    with app.test_request_context():
        work = _mine(centre)
        mine = _mine(db.session.get(User, expert.id))
    assert work["hs-review-unassigned"] == (1, "/center/hs/review?stage=unassigned")
    assert work["hs-review-ready"] == (1, "/center/hs/review?stage=ready")
    assert mine["hs-to-score"] == (1, "/expert/hs/assignments?show=todo")


def _mine(user) -> dict:
    """This area's kinds only (other areas' kinds are tested with them)."""
    return {k.key: (db.session.execute(k.aggregate(user)).one()[0], k.url(user))
            for k in kinds_for(user.role) if k.key.startswith(("hs-review", "hs-to-score"))}


def test_HS_W3_queue_query_count_does_not_grow_with_rows(db, login, count_queries, criteria):
    client = login(centre_user())
    for _ in range(3):
        scored(make_proposal(), make_expert())
    with count_queries() as few:
        client.get("/center/hs/review")
    for _ in range(6):
        scored(make_proposal(), make_expert())
    with count_queries() as many:
        client.get("/center/hs/review")
    assert len(many) == len(few)
