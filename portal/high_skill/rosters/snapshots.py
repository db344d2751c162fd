"""What a filing holds (HS-W4, HS-W5): the plan and the list as filed, and the differences
between two versions, read from the snapshots alone (never from the live rows, which move on).
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal import rules
from portal.extensions import db
from portal.models import HsProposal, HsTeacher, HsTrainee, TeacherKind, TrainingMode

# The plan fields a filing records, with their labels, in the order the history shows them.
PLAN_LABELS = {
    "starts_on": "开班日期",
    "ends_on": "结束日期",
    "mode": "研修方式",
    "venue": "研修地点",
    "hours_onsite": "现场教学学时",
    "hours_keynote": "专题讲座学时",
    "hours_seminar": "研讨学时",
    "hours_exchange": "技艺交流学时",
    "hours_visit": "参观考察学时",
    "hours_online": "线上学习学时",
    "teachers": "授课教师",
}
HOURS_FIELDS = tuple(key for key in PLAN_LABELS if key.startswith("hours_"))
TRAINEE_KEYS = ("id", "name", "resident_id", "employer_name", "post", "level",
                "certificate_number", "key_industry", "insured_months")


def teacher_line(teacher: dict) -> str:
    """One teacher as the history and the change form show it: 姓名｜类别｜职称｜单位｜专题."""
    kind = teacher.get("kind", "")
    label = TeacherKind(kind).label if kind in TeacherKind._value2member_map_ else kind
    return "｜".join([teacher.get("name", ""), label, teacher.get("title", ""),
                     teacher.get("employer", ""), teacher.get("topic", "")])


def plan_of(proposal: HsProposal, teachers: list[HsTeacher]) -> dict:
    plan = {key: getattr(proposal, key) for key in HOURS_FIELDS}
    plan.update(starts_on=proposal.starts_on.isoformat(), ends_on=proposal.ends_on.isoformat(),
                mode=str(proposal.mode), venue=proposal.venue,
                teachers=[{"name": t.name, "kind": str(t.kind), "title": t.title,
                           "employer": t.employer, "topic": t.topic} for t in teachers])
    return plan


def active_trainees(proposal_id: int) -> list[HsTrainee]:
    return list(db.session.scalars(
        sa.select(HsTrainee).where(HsTrainee.proposal_id == proposal_id,
                                   HsTrainee.removed_at.is_(None)).order_by(HsTrainee.id)))


def teachers_of(proposal_id: int) -> list[HsTeacher]:
    return list(db.session.scalars(
        sa.select(HsTeacher).where(HsTeacher.proposal_id == proposal_id).order_by(HsTeacher.id)))


def snapshot(proposal: HsProposal) -> dict:
    """The plan and the trainees on the list now (removed ones are not on it)."""
    return {
        "plan": plan_of(proposal, teachers_of(proposal.id)),
        "trainees": [{key: getattr(t, key) for key in TRAINEE_KEYS}
                     for t in active_trainees(proposal.id)],
    }


def _shown(key: str, value) -> str:
    if key == "teachers":
        return "；".join(teacher_line(t) for t in value) or "（无）"
    if key == "mode" and value in TrainingMode._value2member_map_:
        return TrainingMode(value).label
    return "（空）" if value in (None, "") else str(value)


@dataclass
class PlanChange:
    label: str
    old: str
    new: str


@dataclass
class Diff:
    """What a version changed against the one before it (the first: everything is new)."""

    plan: list[PlanChange] = field(default_factory=list)
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.plan or self.added or self.removed)


def diff(before: dict | None, after: dict) -> Diff:
    """HS-W5: added / removed trainees (by resident ID) and plan fields old → new."""
    result = Diff()
    old_plan = (before or {}).get("plan", {})
    for key, label in PLAN_LABELS.items():
        new = after.get("plan", {}).get(key)
        old = old_plan.get(key)
        if before is not None and old != new:
            result.plan.append(PlanChange(label, _shown(key, old), _shown(key, new)))
    old_people = {t["resident_id"]: t for t in (before or {}).get("trainees", [])}
    new_people = {t["resident_id"]: t for t in after.get("trainees", [])}
    result.added = [_masked(t) for rid, t in new_people.items() if rid not in old_people]
    result.removed = [_masked(t) for rid, t in old_people.items() if rid not in new_people]
    return result


def _masked(trainee: dict) -> dict:
    """C-PII: a history lists people with masked ID numbers."""
    level = trainee.get("level", "")
    return {**trainee, "resident_id": rules.mask_resident_id(trainee.get("resident_id", "")),
            "level_label": rules.LEVEL_LABELS.get(level, level),
            "flagged": level in rules.LEVEL_LABELS
            and rules.hs_trainee_flagged(level, bool(trainee.get("key_industry")))}
