"""Programme applications (培训项目/开班申请): AP-W1 chain with both parties' consent."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from portal import rules
from portal.catalogue import institutions
from portal.catalogue import lookups as catalogues
from portal.core import audit, revisions
from portal.core import files as documents
from portal.core.access import can
from portal.core.errors import NotAllowed, StateConflict
from portal.core.workflow import REVIEW_CHAIN, Workflow, chain_reviewer
from portal.extensions import db
from portal.models import (
    CatalogueKind,
    DocumentKind,
    Occupation,
    Organisation,
    OrgKind,
    Programme,
    ReviewState,
    Role,
)
from portal.models.base import utcnow

OBJECT_TYPE = "programme"
WORKFLOW = Workflow(OBJECT_TYPE, REVIEW_CHAIN)

# Fields an enterprise fills in; everything else is set by the workflow.
PLAN_FIELDS = (
    "occupation_id", "level", "institution_id", "planned_count", "start_date",
    "duration_months", "extension_reason", "general_hours", "theory_hours", "practice_hours",
    "centralised_hours", "on_job_hours", "delivery_modes", "textbooks",
    "entrusted_enterprise_id",
)


def period_end(start: date, months: int) -> date:
    """Last day of a period of `months` starting on `start` (inclusive, as contracts are written)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


@dataclass
class PlanCheck:
    """Rule IDs that block, and guidance that only warns (AP-C1, AP-C3)."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_plan(data: dict, enterprise: Organisation, *, for_submission: bool = False,
               flags: set[CatalogueKind] | None = None) -> PlanCheck:
    """AP-E4, AP-N2, AP-N4, AP-I2, AP-I4, AP-C1..C5, AP-A2: every rule a plan must meet.

    `data` holds PLAN_FIELDS (plus the document ids when checking a submission). Forms call
    it for field errors; `submit` calls it again, since state can change between the two.
    `flags`: the occupation's catalogue lists on the start date, when the caller has them.
    """
    found: list[str] = []
    level = data.get("level")
    if level not in rules.LEVELS or not rules.level_at_least(level, "intermediate"):
        found.append("AP-E4")
    start, months = data.get("start_date"), data.get("duration_months")
    occupation = db.session.get(Occupation, data.get("occupation_id") or 0)
    if occupation is not None and start is not None:
        if flags is None:
            flags = catalogues.flags_for(occupation.id, start)
        prohibited = CatalogueKind.PROHIBITED in flags
        found += rules.occupation_problems(prohibited)
    institution = db.session.get(Organisation, data.get("institution_id") or 0)
    if not institutions.in_catalogue(institution):
        found.append("AP-I4")
    elif occupation is not None and start is not None and months:
        found += institutions.licence_problems_for(institution, occupation.id, start,
                                                   period_end(start, months))
    found += _entrustment_problems(data, enterprise, for_submission)
    if level in rules.LEVELS and "AP-E4" not in found and months:
        found += rules.programme_duration_problems(level, months, data.get("extension_reason"))
        if not rules.training_complete(level, data.get("centralised_hours") or 0,
                                       data.get("on_job_hours") or 0):
            found.append("AP-C4")
    found += rules.delivery_mode_problems(_modes(data.get("delivery_modes")))
    if for_submission:
        if not (data.get("textbooks") or "").strip():
            found.append("AP-C5")
        if not data.get("agreement_document_id"):
            found.append("AP-A2")
    return PlanCheck(rules.in_catalogue_order(found), plan_warnings(data))


def plan_warnings(data: dict) -> list[str]:
    """AP-C1, AP-C3: the guidance a plan departs from, flagged to the reviewer, never refused.

    Pure arithmetic on the plan's own fields, so a review queue flags every row for free.
    """
    found = rules.course_ratio_warnings(
        data.get("general_hours") or 0, data.get("theory_hours") or 0,
        data.get("practice_hours") or 0,
    )
    level, months = data.get("level"), data.get("duration_months")
    if level in rules.TRAINABLE_LEVELS and isinstance(months, int) and months > 0:
        found += rules.duration_warnings(level, months)
    return rules.in_catalogue_order(found)


def may_entrust(enterprise: Organisation) -> bool:
    """AP-N4: 中小微 enterprises, and a group's subsidiary with few trainees, may entrust."""
    return rules.may_entrust(enterprise.size or "large",
                             few_trainee_subsidiary=bool(enterprise.subsidiary))


def _entrustment_problems(data: dict, enterprise: Organisation, for_submission: bool) -> list[str]:
    """AP-N4: only an enterprise that may entrust does, to another confirmed enterprise, with
    an agreement."""
    entrusted_id = data.get("entrusted_enterprise_id")
    if not entrusted_id:
        return []
    entrusted = db.session.get(Organisation, entrusted_id)
    acceptable = (
        may_entrust(enterprise) and entrusted is not None
        and entrusted.kind == OrgKind.ENTERPRISE and entrusted.id != enterprise.id
        and entrusted.state == ReviewState.APPROVED
    )
    if not acceptable or (for_submission and not data.get("entrustment_document_id")):
        return ["AP-N4"]
    return []


def _modes(value) -> list[str]:
    if isinstance(value, str):
        return [m for m in value.split(",") if m]
    return list(value or [])


def _plan_values(data: dict) -> dict:
    values = {name: data.get(name) for name in PLAN_FIELDS}
    values["delivery_modes"] = ",".join(_modes(values["delivery_modes"]))
    values["extension_reason"] = (values["extension_reason"] or "").strip()
    values["textbooks"] = (values["textbooks"] or "").strip()
    values["entrusted_enterprise_id"] = values["entrusted_enterprise_id"] or None
    return values


def plan_data_of(programme: Programme) -> dict:
    data = {name: getattr(programme, name) for name in PLAN_FIELDS}
    data["agreement_document_id"] = programme.agreement_document_id
    data["entrustment_document_id"] = programme.entrustment_document_id
    return data


def _enterprise_of(actor) -> Organisation:
    enterprise = db.session.get(Organisation, actor.org_id or 0)
    if actor.role != Role.ENTERPRISE or enterprise is None:
        raise NotAllowed("只有企业用户可以申请培训项目")
    if enterprise.state != ReviewState.APPROVED:
        raise NotAllowed("本单位资格尚未经市级确认，暂不能申请培训项目（规则 AP-W1）")
    return enterprise


def _attach(actor, programme: Programme, enterprise: Organisation, agreement, entrustment):
    if agreement is not None and agreement.filename:
        doc = documents.store(actor, agreement, DocumentKind.COOPERATION_AGREEMENT, enterprise)
        programme.agreement_document_id = doc.id
    if entrustment is not None and entrustment.filename:
        doc = documents.store(actor, entrustment, DocumentKind.ENTRUSTMENT_AGREEMENT, enterprise)
        programme.entrustment_document_id = doc.id


def create(actor, data: dict, agreement=None, entrustment=None) -> Programme:
    enterprise = _enterprise_of(actor)
    check = check_plan(data, enterprise)
    if check.problems:
        raise rules.RuleViolation(check.problems)
    programme = Programme(enterprise_id=enterprise.id, district_code=enterprise.district_code,
                          state=ReviewState.DRAFT, **_plan_values(data))
    db.session.add(programme)
    db.session.flush()
    _attach(actor, programme, enterprise, agreement, entrustment)
    audit.record(actor, OBJECT_TYPE, programme.id, "create", to_state=ReviewState.DRAFT)
    db.session.flush()
    return programme


def update(actor, programme: Programme, data: dict, agreement=None, entrustment=None) -> None:
    """AP-W4: only the owner, only in draft or returned; the institution must consent again."""
    if not can(actor, "edit", programme):
        raise NotAllowed("该项目已提交，不能修改（规则 AP-W4）")
    enterprise = _enterprise_of(actor)
    check = check_plan(data, enterprise)
    if check.problems:
        raise rules.RuleViolation(check.problems)
    values = _plan_values(data)
    new_file = any(f is not None and f.filename for f in (agreement, entrustment))
    if not new_file and all(getattr(programme, k) == v for k, v in values.items()):
        return  # saved unchanged: the institution's consent to this plan still holds
    for name, value in values.items():
        setattr(programme, name, value)
    programme.institution_confirmed_at = None
    programme.institution_confirmed_by_id = None
    _attach(actor, programme, enterprise, agreement, entrustment)
    audit.record(actor, OBJECT_TYPE, programme.id, "edit", from_state=programme.state,
                 to_state=programme.state)
    db.session.flush()


def awaiting_consent() -> sa.ColumnElement[bool]:
    """AP-W1: programmes whose institution has yet to consent to this version of the plan
    (an edit takes a consent back); the institution's worklist and list filter read it too."""
    return sa.and_(Programme.institution_confirmed_at.is_(None),
                   Programme.state.in_([ReviewState.DRAFT, ReviewState.RETURNED]))


def institution_confirm(actor, programme: Programme) -> None:
    """AP-W1: the institution consents to its part of this version of the plan."""
    if not can(actor, "institution_confirm", programme):
        raise NotAllowed("只有合作培训机构可在项目提交前确认")
    now = utcnow()
    changed = db.session.execute(
        sa.update(Programme)
        .where(Programme.id == programme.id, awaiting_consent(),
               Programme.updated_at == programme.updated_at)
        .values(institution_confirmed_at=now, institution_confirmed_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise StateConflict("项目内容已变更或已确认，请刷新后查看")
    db.session.refresh(programme)
    audit.record(actor, OBJECT_TYPE, programme.id, "institution_confirm",
                 from_state=programme.state, to_state=programme.state)
    db.session.flush()


def submit(actor, programme: Programme) -> ReviewState:
    """AP-W1: the enterprise submits once both sides agree and every rule is met."""
    if can(actor, "submit", programme):
        enterprise = db.session.get(Organisation, programme.enterprise_id)
        check = check_plan(plan_data_of(programme), enterprise, for_submission=True)
        if check.problems:
            raise rules.RuleViolation(check.problems)
    elif can(actor, "edit", programme):
        raise NotAllowed("须先由合作培训机构确认后才能提交（规则 AP-W1）")
    state = WORKFLOW.apply(actor, programme, "submit")
    if programme.entrusted_enterprise_id:
        file_entrustment(actor, programme)
    return state


def file_entrustment(actor, programme: Programme) -> None:
    """AP-N4: submitting an entrusted programme files (备案) the entrustment with its district.

    Filing is a record the district sees, not a further approval: the district reviews the
    programme, agreement included, in its ordinary step.
    """
    names = dict(db.session.execute(sa.select(Organisation.id, Organisation.name).where(
        Organisation.id.in_([programme.enterprise_id, programme.entrusted_enterprise_id]))).all())
    audit.record(actor, OBJECT_TYPE, programme.id, "file_entrustment",
                 from_state=programme.state, to_state=programme.state,
                 comment=f"{names.get(programme.enterprise_id, '')}委托"
                         f"{names.get(programme.entrusted_enterprise_id, '')}培训，"
                         f"委托培训协议向区人社局备案（规则 AP-N4）")
    db.session.flush()


# AP-W1: the district's decision, then the centre's (core.workflow.REVIEW_CHAIN).
district_review = chain_reviewer(WORKFLOW, "district")
center_review = chain_reviewer(WORKFLOW, "center")


# C-REV: the plan's fields as the review page names them (what changed since the return).
PLAN_LABELS = {
    "occupation_id": "职业（工种）", "level": "培训等级", "institution_id": "培训机构",
    "planned_count": "计划人数", "start_date": "开班日期", "duration_months": "培养期限（月）",
    "extension_reason": "培养期限说明", "general_hours": "通用素质课时",
    "theory_hours": "专业理论课时", "practice_hours": "技能实训课时",
    "centralised_hours": "集中面授学时", "on_job_hours": "岗位实训学时",
    "delivery_modes": "授课形式", "textbooks": "教材", "entrusted_enterprise_id": "受托企业",
}
AGREEMENT_FILE, ENTRUSTMENT_FILE = "校企合作协议", "委托培训协议"


def _name(model, record_id) -> str:
    # session.get: a queue's rows already hold their parties (no query per row).
    record = db.session.get(model, record_id) if record_id else None
    return record.name if record is not None else "—"


def snapshot(programme: Programme) -> dict[str, str]:
    """C-REV: the plan's reviewable fields and files as its review page shows them."""
    shown = {name: getattr(programme, name) for name in PLAN_FIELDS}
    shown["occupation_id"] = _name(Occupation, programme.occupation_id)
    shown["institution_id"] = _name(Organisation, programme.institution_id)
    shown["entrusted_enterprise_id"] = _name(Organisation, programme.entrusted_enterprise_id)
    shown["level"] = rules.LEVEL_LABELS.get(programme.level, programme.level)
    shown["delivery_modes"] = "、".join(rules.DELIVERY_MODES.get(m, m)
                                       for m in _modes(programme.delivery_modes)) or "—"
    fields = {PLAN_LABELS[name]: "—" if value in (None, "") else str(value)
              for name, value in shown.items()}
    fields[AGREEMENT_FILE] = revisions.describe_files([programme.agreement_document_id])
    fields[ENTRUSTMENT_FILE] = revisions.describe_files([programme.entrustment_document_id])
    return fields


revisions.register(
    OBJECT_TYPE, snapshot,
    lambda _programme: [*PLAN_LABELS.values(), AGREEMENT_FILE, ENTRUSTMENT_FILE],
    lambda programmes: revisions.load_documents(
        [i for p in programmes for i in (p.agreement_document_id, p.entrustment_document_id)]))
