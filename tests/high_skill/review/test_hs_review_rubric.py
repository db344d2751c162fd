"""HS-W3: the rubric is a centre setting; its active weights sum to 100; it is fixed while
scored proposals wait for a decision."""

import sqlalchemy as sa

from portal.high_skill.review import rubric
from portal.models import HsCriterion
from tests.high_skill.factories_review import centre_user, make_expert, make_proposal, scored


def _rubric_form(criteria, weights, **extra):
    data = {}
    for i, (c, w) in enumerate(zip(criteria, weights, strict=True)):
        data |= {f"criteria-{i}-id": c.id, f"criteria-{i}-label": c.label,
                 f"criteria-{i}-guidance": c.guidance, f"criteria-{i}-weight": w,
                 f"criteria-{i}-sort_order": c.sort_order, f"criteria-{i}-active": "y"}
    return data | extra


def _weights(db):
    db.session.rollback()
    return {c.label: (c.weight, c.active) for c in db.session.scalars(sa.select(HsCriterion))}


def test_HS_W3_default_rubric_loaded_once(app, db, login):
    client = login(centre_user())
    page = client.get("/center/hs/rubric").get_data(as_text=True)
    assert "尚未设置评分标准" in page
    client.post("/center/hs/rubric/default")
    assert _weights(db) == {label: (w, True) for label, w, _g in rubric.DEFAULT_RUBRIC}
    again = client.post("/center/hs/rubric/default", follow_redirects=True)
    assert "不能再次载入" in again.get_data(as_text=True)
    assert rubric.ensure_default_rubric() == 0


def test_HS_W3_weights_not_summing_to_100_refused(db, login, criteria):
    client = login(centre_user())
    answer = client.post("/center/hs/rubric", data=_rubric_form(criteria, [30, 25, 20, 15, 20]))
    text = answer.get_data(as_text=True)
    assert "权重合计须为100%" in text and "规则 HS-W3" in text
    assert _weights(db)["预期成效"] == (10, True)


def test_HS_W3_rubric_edited_and_a_criterion_added(db, login, criteria):
    client = login(centre_user())
    data = _rubric_form(criteria, [30, 25, 20, 15, 5], new_label="创新性", new_weight=5)
    answer = client.post("/center/hs/rubric", data=data, follow_redirects=True)
    assert "评分标准已保存" in answer.get_data(as_text=True)
    assert _weights(db)["创新性"] == (5, True) and _weights(db)["预期成效"] == (5, True)


def test_HS_W3_inactive_criterion_leaves_the_sum(db, login, criteria):
    client = login(centre_user())
    data = _rubric_form(criteria, [40, 25, 20, 15, 10])
    data.pop("criteria-4-active")  # 预期成效 off: 40 + 25 + 20 + 15 = 100
    client.post("/center/hs/rubric", data=data)
    assert _weights(db)["预期成效"] == (10, False) and _weights(db)["需求契合度"] == (40, True)


def test_HS_W3_weights_locked_while_scored_proposals_wait(db, login, criteria):
    scored(make_proposal(), make_expert())
    client = login(centre_user())
    answer = client.post("/center/hs/rubric", data=_rubric_form(criteria, [35, 20, 20, 15, 10]))
    assert "评审结束前不能修改权重" in answer.get_data(as_text=True)
    assert _weights(db)["需求契合度"] == (30, True)
    # Wording may still be corrected.
    data = _rubric_form(criteria, [30, 25, 20, 15, 10])
    data["criteria-0-guidance"] = "是否契合需求（修订）"
    client.post("/center/hs/rubric", data=data)
    db.session.rollback()
    assert db.session.get(HsCriterion, criteria[0].id).guidance == "是否契合需求（修订）"


def test_HS_W3_only_the_centre_sets_the_rubric(db, login, client, criteria):
    login(make_expert())
    assert client.get("/center/hs/rubric").status_code == 403
