"""HS-W3: the rubric experts score on, a centre setting (criteria, guidance, weights).

The default rubric is written once, here; `ensure_default_rubric` puts it in an empty
table (seed-demo and the centre's "载入默认评分标准" call it). The active weights always
sum to 100. While proposals are under review and some are already scored, the weights and
the set of active criteria stay fixed, so every total of an undecided proposal is computed
on the same weights (labels and guidance may still be corrected).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import HsAssignment, HsCriterion, HsProposal, ProposalState, Role
from portal.rules.high_skill import HS_RUBRIC_TOTAL_WEIGHT, hs_rubric_problems

OBJECT_TYPE = "hs_rubric"
LABEL_MAX = 64
GUIDANCE_MAX = 300

# (label, weight %, guidance): the rubric of a fresh installation.
DEFAULT_RUBRIC: tuple[tuple[str, int, str], ...] = (
    ("需求契合度", 30, "是否契合本年度专业方向和本市产业发展、企业生产一线的实际需求"),
    ("内容先进性", 25, "是否以新知识、新技术、新技能、新工艺为主，针对生产中的技术难题"),
    ("师资力量", 20, "授课专家、技能大师、高级讲师等的水平与结构"),
    ("组织实施", 15, "培训形式、学时安排、场地设备和组织管理是否可行"),
    ("预期成效", 10, "预期解决的问题、成果和对学员技能提升的作用"),
)

WEIGHTS_REFUSED = (f"启用的评分项权重合计须为{HS_RUBRIC_TOTAL_WEIGHT}%，每项1–100%"
                   "（规则 HS-W3）")
LOCKED = ("已有专家对待评审的项目评分，评审结束前不能修改权重或启用、停用评分项，"
          "以免同批项目按不同权重计分（规则 HS-W3）")


@dataclass
class CriterionRow:
    """One row of the rubric form; `id` None for a new criterion."""

    id: int | None
    label: str
    guidance: str
    weight: int
    sort_order: int
    active: bool


def criteria(active_only: bool = False) -> list[HsCriterion]:
    q = sa.select(HsCriterion).order_by(HsCriterion.sort_order, HsCriterion.id)
    if active_only:
        q = q.where(HsCriterion.active.is_(True))
    return list(db.session.scalars(q))


def ensure_default_rubric() -> int:
    """The default rubric in an empty table (idempotent); returns how many were added."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(HsCriterion)):
        return 0
    for order, (label, weight, guidance) in enumerate(DEFAULT_RUBRIC, 1):
        db.session.add(HsCriterion(label=label, weight=weight, guidance=guidance,
                                   sort_order=order * 10, active=True))
    db.session.flush()
    return len(DEFAULT_RUBRIC)


def load_default(actor) -> int:
    """The centre loads the default rubric into an empty table (C-AUD)."""
    _require_centre(actor)
    added = ensure_default_rubric()
    if not added:
        raise ServiceError("评分标准已设置，不能再次载入默认评分标准")
    audit.record(actor, OBJECT_TYPE, 0, "create", comment="载入默认评分标准")
    db.session.flush()
    return added


def scoring_in_progress() -> bool:
    """Some expert has scored a proposal the centre has not decided yet."""
    return bool(db.session.scalar(
        sa.select(sa.func.count()).select_from(HsAssignment)
        .join(HsProposal, HsProposal.id == HsAssignment.proposal_id)
        .where(HsProposal.state == ProposalState.SUBMITTED, HsAssignment.scored_at.is_not(None))
    ))


def _require_centre(actor) -> None:
    if actor.role != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以设置评分标准")


def _row_problems(rows: list[CriterionRow]) -> list[str]:
    problems = []
    labels = [r.label.strip() for r in rows]
    if any(not label for label in labels):
        problems.append("请填写评分项名称")
    if len(set(labels)) != len(labels):
        problems.append("评分项名称不能重复")
    if any(len(label) > LABEL_MAX for label in labels):
        problems.append(f"评分项名称不能超过{LABEL_MAX}字")
    if any(len(r.guidance) > GUIDANCE_MAX for r in rows):
        problems.append(f"评分说明不能超过{GUIDANCE_MAX}字")
    out_of_range = any(not 0 < r.weight <= HS_RUBRIC_TOTAL_WEIGHT for r in rows)
    if out_of_range or hs_rubric_problems([r.weight for r in rows if r.active]):
        problems.append(WEIGHTS_REFUSED)
    return problems


def save_rubric(actor, rows: list[CriterionRow]) -> list[HsCriterion]:
    """HS-W3: replace the rubric's rows at once (the weights are a property of the whole
    set); criteria are never deleted, only made inactive, because scores refer to them."""
    _require_centre(actor)
    existing = {c.id: c for c in criteria()}
    if any(r.id is not None and r.id not in existing for r in rows):
        raise ServiceError("评分项不存在，请刷新后重试")
    kept = {r.id for r in rows if r.id is not None}
    # Criteria left out of the form stay as they are (inactive ones keep their history).
    rows = rows + [CriterionRow(c.id, c.label, c.guidance, c.weight, c.sort_order, c.active)
                   for c in existing.values() if c.id not in kept]
    problems = _row_problems(rows)
    if problems:
        raise ServiceError("；".join(problems))
    weights_changed = any(
        r.id is None and r.active or r.id is not None and (
            existing[r.id].weight != r.weight or existing[r.id].active != r.active)
        for r in rows)
    if weights_changed and scoring_in_progress():
        raise ServiceError(LOCKED)
    # Labels are unique: move changed ones out of the way first, so a swap of two names
    # never trips the constraint half-way.
    for r in rows:
        c = existing.get(r.id)
        if c is not None and c.label != r.label.strip():
            c.label = f"__{c.id}"
    db.session.flush()
    for r in rows:
        c = existing.get(r.id) if r.id is not None else None
        if c is None:
            c = HsCriterion()
            db.session.add(c)
        c.label, c.guidance = r.label.strip(), r.guidance.strip()
        c.weight, c.sort_order, c.active = r.weight, r.sort_order, r.active
    summary = "；".join(f"{r.label.strip()} {r.weight}%" for r in rows if r.active)
    audit.record(actor, OBJECT_TYPE, 0, "edit", comment=f"启用评分项：{summary}")
    db.session.flush()
    return criteria()
