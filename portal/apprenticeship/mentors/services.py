"""Mentors (双导师): keep enterprise mentors and institution teachers, assign them (AP-M1..M4).

Who assigns (AP-M1): each side assigns its own — the enterprise its enterprise mentor, the
institution its teacher — because each side knows and answers for its own staff. A mentor
is always chosen from the organisation that is that side of the programme.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.mentors.access import training_side
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed
from portal.extensions import db
from portal.models import (
    Apprentice,
    Enrolment,
    EnrolmentState,
    Mentor,
    MentorKind,
    Organisation,
    OrgKind,
    Programme,
    Role,
)

OBJECT_TYPE = "mentor"
NAME_MAX_LENGTH = 32  # Mentor.name
MAX_YEARS = 60

# Facts a mentor record holds; AP-M2 uses the first group, AP-M3 the second (plus the shared).
SHARED_FIELDS = ("name", "mobile", "skill_level", "has_mid_title", "attests_ethics")
KIND_FIELDS = {
    MentorKind.ENTERPRISE: ("can_guide_practice", "years_practice", "is_backbone"),
    MentorKind.TEACHER: ("has_teaching_experience", "integrated_or_dual", "years_teaching"),
}

# The side of a programme (access.training_side) → the kind of mentor it assigns, and the slot.
SIDE_KIND = {OrgKind.ENTERPRISE: MentorKind.ENTERPRISE, OrgKind.INSTITUTION: MentorKind.TEACHER}
SLOT = {MentorKind.ENTERPRISE: "enterprise_mentor_id", MentorKind.TEACHER: "teacher_id"}

# Enrolments whose mentors can still change: before the class opens and during training.
ASSIGNABLE_STATES = frozenset({
    EnrolmentState.DRAFT, EnrolmentState.SUBMITTED, EnrolmentState.RETURNED,
    EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED,
})


def lacking_mentor() -> sa.ColumnElement[bool]:
    """AP-M1: registrations and records still open to assignment that lack an active
    enterprise mentor or an active institution teacher."""
    inactive = sa.select(Mentor.id).where(Mentor.active.is_(False))
    return sa.and_(Enrolment.state.in_(ASSIGNABLE_STATES), sa.or_(
        Enrolment.enterprise_mentor_id.is_(None), Enrolment.teacher_id.is_(None),
        Enrolment.enterprise_mentor_id.in_(inactive), Enrolment.teacher_id.in_(inactive),
    ))


def kind_for_org(org_kind: OrgKind) -> MentorKind:
    """AP-M2, AP-M3: enterprises keep enterprise mentors, institutions keep teachers."""
    return SIDE_KIND[org_kind]


def qualification_problems(kind: MentorKind, data: dict) -> list[str]:
    """AP-M2 or AP-M3, AP-M4 (and C-ID3 for a mobile number given): the rules a mentor meets."""
    found: list[str] = []
    mobile = (data.get("mobile") or "").strip()
    if mobile and not rules.is_valid_mobile(mobile):
        found.append("C-ID3")
    skill_level = data.get("skill_level") or None
    if skill_level is not None and skill_level not in rules.LEVELS:
        skill_level = None
    if kind == MentorKind.ENTERPRISE:
        found += rules.enterprise_mentor_problems(
            bool(data.get("can_guide_practice")), int(data.get("years_practice") or 0),
            skill_level, bool(data.get("has_mid_title")), bool(data.get("is_backbone")),
            bool(data.get("attests_ethics")),
        )
    else:
        found += rules.institution_teacher_problems(
            bool(data.get("has_teaching_experience")), bool(data.get("integrated_or_dual")),
            int(data.get("years_teaching") or 0), skill_level, bool(data.get("has_mid_title")),
            bool(data.get("attests_ethics")),
        )
    return rules.in_catalogue_order(found)


def mentor_facts(mentor: Mentor) -> dict:
    """A stored mentor's facts, in the shape qualification_problems and the forms use."""
    return {name: getattr(mentor, name) for name in SHARED_FIELDS + KIND_FIELDS[mentor.kind]}


def _values(kind: MentorKind, data: dict) -> dict:
    values = {name: data.get(name) for name in SHARED_FIELDS + KIND_FIELDS[kind]}
    values["name"] = (values["name"] or "").strip()
    values["mobile"] = (values["mobile"] or "").strip()
    values["skill_level"] = values["skill_level"] or None
    for name in ("years_practice", "years_teaching"):
        if name in values:
            values[name] = int(values[name] or 0)
            if not 0 <= values[name] <= MAX_YEARS:
                raise NotAllowed(f"年限须为0–{MAX_YEARS}之间的整数")
    if not values["name"] or len(values["name"]) > NAME_MAX_LENGTH:
        raise NotAllowed(f"请填写导师姓名（不超过{NAME_MAX_LENGTH}字）")
    return values


def _own_org(actor) -> Organisation:
    org = db.session.get(Organisation, actor.org_id or 0)
    if actor.role not in (Role.ENTERPRISE, Role.INSTITUTION) or org is None:
        raise NotAllowed("只有企业和培训机构可以维护导师信息")
    return org


def create(actor, data: dict) -> Mentor:
    """AP-M2..M4: add a mentor of the actor's own organisation, qualified by the rules."""
    org = _own_org(actor)
    kind = kind_for_org(org.kind)
    values = _values(kind, data)
    problems = qualification_problems(kind, values)
    if problems:
        raise rules.RuleViolation(problems)
    mentor = Mentor(org_id=org.id, kind=kind, active=True, **values)
    db.session.add(mentor)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, mentor.id, "create", to_state="active",
                 comment=f"{kind.label}：{mentor.name}")
    db.session.flush()
    return mentor


def update(actor, mentor: Mentor, data: dict) -> None:
    """AP-M2..M4: the owning organisation corrects a mentor's facts; the rules apply again."""
    if not can(actor, "edit", mentor):
        raise NotAllowed("只能修改本单位的导师")
    values = _values(mentor.kind, data)
    problems = qualification_problems(mentor.kind, values)
    if problems:
        raise rules.RuleViolation(problems)
    for name, value in values.items():
        setattr(mentor, name, value)
    state = _state(mentor)
    audit.record(actor, OBJECT_TYPE, mentor.id, "edit", from_state=state, to_state=state)
    db.session.flush()


def deactivate(actor, mentor: Mentor, comment: str = "") -> None:
    """AP-M1: a mentor who leaves is deactivated (kept for the record, never deleted).

    Apprentices still assigned to them show as missing a mentor (mentor_problems) until
    their side assigns another one.
    """
    _set_active(actor, mentor, False, "deactivate", comment)


def activate(actor, mentor: Mentor, comment: str = "") -> None:
    """AP-M2..M4: a mentor is taken back into service only if still qualified."""
    if not can(actor, "edit", mentor):
        raise NotAllowed("只能管理本单位的导师")
    problems = qualification_problems(mentor.kind, mentor_facts(mentor))
    if problems:
        raise rules.RuleViolation(problems)
    _set_active(actor, mentor, True, "activate", comment)


def _set_active(actor, mentor: Mentor, active: bool, action: str, comment: str) -> None:
    if not can(actor, "edit", mentor):
        raise NotAllowed("只能管理本单位的导师")
    # A guarded update: a second click (or a second tab) changes nothing and says so.
    changed = db.session.execute(
        sa.update(Mentor).where(Mentor.id == mentor.id, Mentor.active.is_(not active))
        .values(active=active).execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(mentor)
        raise NotAllowed("该导师已停用" if not active else "该导师已在岗")
    db.session.refresh(mentor)
    audit.record(actor, OBJECT_TYPE, mentor.id, action,
                 from_state="inactive" if active else "active",
                 to_state="active" if active else "inactive", comment=comment)
    db.session.flush()


def _state(mentor: Mentor) -> str:
    return "active" if mentor.active else "inactive"


# --- Assignment (AP-M1) ---------------------------------------------------------------------


def assignable_mentors(actor, programme: Programme) -> list[Mentor]:
    """AP-M1: the active mentors the actor's side may assign in this programme."""
    side = training_side(actor, programme)
    if side is None:
        return []
    org_id = actor.org_id  # each side assigns its own staff (an entrusted enterprise, AP-N4)
    return list(db.session.scalars(
        sa.select(Mentor).where(Mentor.org_id == org_id, Mentor.kind == SIDE_KIND[side],
                                Mentor.active.is_(True))
        .order_by(Mentor.name, Mentor.id)
    ))


def assign(actor, programme: Programme, enrolments: Sequence[Enrolment],
           mentor: Mentor | None) -> int:
    """AP-M1..M4: give the selected apprentices of one programme the actor's side's mentor.

    One call serves one apprentice or a selection; it refuses the whole selection if any
    part is wrong, so nothing is half-assigned. Refused: a mentor of another organisation,
    an inactive one, one of the wrong kind (a teacher as enterprise mentor), one no longer
    qualified (AP-M2/M3/M4), an apprentice of another programme or whose record has ended.
    Returns the number of apprentices whose mentor changed.
    """
    side = training_side(actor, programme)
    if side is None:
        raise NotAllowed("只有本项目的企业或合作培训机构可以指派导师")
    kind = SIDE_KIND[side]
    org_id = actor.org_id  # each side assigns its own staff (an entrusted enterprise, AP-N4)
    if not enrolments:
        raise NotAllowed("请先选择学徒")
    # None: the posted mentor is not one the actor may see (another organisation's, or none).
    if mentor is None or mentor.org_id != org_id or not can(actor, "view", mentor):
        raise NotAllowed(f"只能指派本单位的{kind.label}（规则 AP-M1）")
    if mentor.kind != kind:
        raise NotAllowed(f"{mentor.name}是{mentor.kind.label}，不能担任{kind.label}（规则 AP-M1）")
    if not can(actor, "assign", mentor):
        raise NotAllowed(f"{mentor.name}已停用，不能指派（规则 AP-M1）")
    problems = qualification_problems(kind, mentor_facts(mentor))
    if problems:
        raise rules.RuleViolation(problems)
    _check_enrolments(programme, enrolments)
    slot = SLOT[kind]
    changed = 0
    for enrolment in enrolments:
        if getattr(enrolment, slot) == mentor.id:
            continue
        setattr(enrolment, slot, mentor.id)
        audit.record(actor, "enrolment", enrolment.id, f"assign_{_action_kind(kind)}",
                     from_state=enrolment.state, to_state=enrolment.state,
                     comment=f"{kind.label}：{mentor.name}")
        changed += 1
    db.session.flush()
    return changed


def _action_kind(kind: MentorKind) -> str:
    return "mentor" if kind == MentorKind.ENTERPRISE else "teacher"


def _check_enrolments(programme: Programme, enrolments: Sequence[Enrolment]) -> None:
    if any(e.programme_id != programme.id for e in enrolments):
        raise NotAllowed("所选学徒不属于本项目")
    closed = [e for e in enrolments if e.state not in ASSIGNABLE_STATES]
    if closed:
        names = _names([e.apprentice_id for e in closed])
        raise NotAllowed("以下学徒的学籍已结束或未获通过，不能指派导师：" + "、".join(names))


def _names(apprentice_ids: list[int]) -> list[str]:
    return list(db.session.scalars(
        sa.select(Apprentice.name).where(Apprentice.id.in_(apprentice_ids)).order_by(Apprentice.id)
    ))


def mentor_problems(enrolment: Enrolment) -> list[str]:
    """AP-M1: ``["AP-M1"]`` unless the apprentice has an active enterprise mentor and an
    active institution teacher, each of the right kind; ``[]`` when both are in place.

    For the student-record step: call it before the class opens (establishing 学籍).
    """
    return mentor_problems_for([enrolment])[enrolment.id]


def mentor_problems_for(enrolments: Sequence[Enrolment]) -> dict[int, list[str]]:
    """AP-M1 for a page of enrolments at once: enrolment id → ``["AP-M1"]`` or ``[]``.

    One query for all their mentors (none when no mentor is assigned at all).
    """
    ids = {i for e in enrolments for i in (e.enterprise_mentor_id, e.teacher_id) if i}
    kinds = dict(db.session.execute(
        sa.select(Mentor.id, Mentor.kind).where(Mentor.id.in_(ids), Mentor.active.is_(True))
    ).all()) if ids else {}
    return {
        e.id: [] if (kinds.get(e.enterprise_mentor_id) == MentorKind.ENTERPRISE
                     and kinds.get(e.teacher_id) == MentorKind.TEACHER) else ["AP-M1"]
        for e in enrolments
    }
