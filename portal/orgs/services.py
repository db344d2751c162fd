"""Organisations: registration, edits and their review chain (AP-N1, AP-I1..I3, AP-W4, C-REV);
high-skill hosts that are neither enterprise nor institution (HS-H1), confirmed by the centre."""

from collections.abc import Iterable

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from portal import rules
from portal.accounts.passwords import hash_password
from portal.core import audit, revisions
from portal.core import files as documents
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.core.workflow import REVIEW_CHAIN, Workflow, chain_reviewer, review_steps
from portal.extensions import db
from portal.models import (
    Document,
    DocumentKind,
    HostType,
    Occupation,
    Organisation,
    OrgKind,
    ReviewState,
    Role,
    User,
    institution_occupation,
)
from portal.models.base import utcnow
from portal.rules.high_skill import hs_host_problems

OBJECT_TYPE = "organisation"
WORKFLOW = Workflow(OBJECT_TYPE, REVIEW_CHAIN)
# HS-H1: a host of the municipal programme that is neither enterprise nor institution has no
# district step; the centre confirms it straight after submission (same submit, same decisions).
HOST_WORKFLOW = Workflow(OBJECT_TYPE, (
    REVIEW_CHAIN[0],
    *review_steps("center", ReviewState.SUBMITTED, ReviewState.APPROVED),
))

# The licence each kind uploads at registration (AP-N1 营业执照, AP-I2 办学许可/培训资质).
LICENCE_KINDS = {
    OrgKind.ENTERPRISE: DocumentKind.BUSINESS_LICENCE,
    OrgKind.INSTITUTION: DocumentKind.SCHOOL_LICENCE,
    # HS-H1: the legal-person certificate (事业单位法人证书 or 营业执照); no kind of its own yet.
    OrgKind.HOST: DocumentKind.BUSINESS_LICENCE,
}

# The fields an organisation fills in itself, with the labels its forms and audit use.
COMMON_FIELDS = {
    "name": "单位名称",
    "credit_code": "统一社会信用代码",
    "district_code": "所在区",
    "address": "注册地址",
    "contact_name": "联系人",
    "contact_phone": "联系人手机号",
}
KIND_FIELDS = {
    OrgKind.ENTERPRISE: {
        "size": "企业规模",
        "state_owned": "国有企业",
        "four_centres": "“四个中心”行业",
        "subsidiary": "学徒人数较少的集团子公司",
        "attests_training_system": "培训制度与激励机制承诺",
    },
    OrgKind.INSTITUTION: {
        "institution_type": "机构类型",
        "independent_legal_person": "独立法人承诺",
        "licence_no": "许可证编号",
        "licence_authority": "发证机关",
        "licence_valid_from": "许可证有效期起始日",
        "licence_valid_to": "许可证有效期截止日",
        "attests_conditions": "场地、设备和师资承诺",
    },
    OrgKind.HOST: {
        "host_type": "承办单位类型",
        "independent_legal_person": "独立法人承诺",
        "attests_conditions": "培训条件和经验承诺",
    },
}


def editable_fields(kind: OrgKind) -> dict[str, str]:
    """Field name → Chinese label of everything the organisation may set (no status, no ids)."""
    return COMMON_FIELDS | KIND_FIELDS[kind]


def _checked(kind: OrgKind, fields: dict) -> dict:
    """The rules a form checks, checked again (a service is also called without a form)."""
    unknown = set(fields) - set(editable_fields(kind))
    if unknown:
        raise ValueError(f"not organisation fields of a {kind}: {sorted(unknown)}")
    problems = []
    if not rules.is_valid_credit_code(fields.get("credit_code") or ""):
        problems.append("C-ID2")
    if not rules.is_valid_mobile(fields.get("contact_phone") or ""):
        problems.append("C-ID3")
    if kind == OrgKind.ENTERPRISE and not fields.get("attests_training_system"):
        problems.append("AP-N1")
    if kind == OrgKind.INSTITUTION:
        if (not fields.get("independent_legal_person")
                or fields.get("institution_type") not in rules.INSTITUTION_TYPES):
            problems.append("AP-I1")
        if not fields.get("attests_conditions"):
            problems.append("AP-I3")
    if kind == OrgKind.HOST:
        problems += hs_host_problems(str(kind), fields.get("host_type"),
                                     bool(fields.get("independent_legal_person")))
        if not fields.get("attests_conditions") and "HS-H1" not in problems:
            problems.append("HS-H1")
    if problems:
        raise rules.RuleViolation(rules.in_catalogue_order(problems))
    return fields


def _set_occupations(org_id: int, occupation_ids: Iterable[int]) -> None:
    """AP-I2: replace the occupations the institution's licence covers (unknown ids dropped)."""
    ids = list(db.session.scalars(
        sa.select(Occupation.id).where(Occupation.id.in_(set(occupation_ids)))
    ))
    db.session.execute(
        sa.delete(institution_occupation).where(institution_occupation.c.org_id == org_id)
    )
    if ids:
        db.session.execute(sa.insert(institution_occupation),
                           [{"org_id": org_id, "occupation_id": i} for i in ids])


def licensed_occupation_ids(org: Organisation) -> list[int]:
    return list(db.session.scalars(
        sa.select(institution_occupation.c.occupation_id)
        .where(institution_occupation.c.org_id == org.id)
    ))


def _flush_unique(message: str) -> None:
    # The form checks uniqueness first; this answers the race between two submissions.
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        raise ServiceError(message) from None


def register(kind: OrgKind, fields: dict, username: str, password: str,
             occupation_ids: list[int] | None = None,
             licence: FileStorage | None = None) -> tuple[Organisation, User]:
    """AP-N1, AP-I1..I3: create the organisation (draft), its first account and its licence.

    All in the caller's transaction: a refused licence raises ServiceError before anything
    is written; a later failure is undone by the caller's rollback, which also deletes the
    licence's bytes (see services.documents). `licence` may be None only for imports and
    seeding; the registration forms require it.
    """
    if licence is not None:
        documents.check_upload(licence)
    org = Organisation(kind=kind, state=ReviewState.DRAFT, **_checked(kind, fields))
    db.session.add(org)
    _flush_unique("该统一社会信用代码已注册，请直接登录或联系所在区人社局")
    if occupation_ids:
        _set_occupations(org.id, occupation_ids)
    user = User(
        username=username.strip(),
        password_hash=hash_password(password),
        role=Role(kind.value),
        display_name=fields.get("contact_name") or fields["name"],
        org_id=org.id,
    )
    db.session.add(user)
    _flush_unique("该用户名已被使用")
    audit.record(user, OBJECT_TYPE, org.id, "register", to_state=ReviewState.DRAFT)
    if licence is not None:
        org.licence_document_id = documents.store(user, licence, LICENCE_KINDS[kind], org).id
        db.session.flush()
    return org, user


def edit_refusal(org: Organisation) -> str:
    """AP-W4, in the words shown to an owner who tries to edit a record under review."""
    return (f"单位信息当前状态为“{org.state.label}”，不能修改。"
            f"{rules.rule_message('AP-W4')}")


def update(actor, org: Organisation, fields: dict, occupation_ids: list[int] | None = None,
           upload: FileStorage | None = None) -> Organisation:
    """AP-W4: the owner edits its organisation only while draft or returned; audited ("edit").

    The state is checked again in the UPDATE itself, so a submission that lands between
    the owner's GET and POST wins and the edit is refused. The caller commits.
    """
    if not can(actor, "edit", org):
        own = getattr(actor, "org_id", None) == org.id
        raise NotAllowed(edit_refusal(org) if own else "您无权修改该单位的信息")
    values = _checked(org.kind, fields)
    labels = editable_fields(org.kind)
    changed = [labels[name] for name, value in values.items() if getattr(org, name) != value]
    old_district = org.district_code
    try:
        rowcount = db.session.execute(
            sa.update(Organisation)
            .where(Organisation.id == org.id,
                   Organisation.state.in_([s for s in ReviewState if s.editable]))
            .values(**values, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    except sa.exc.IntegrityError:
        raise ServiceError("该统一社会信用代码已被其他单位注册") from None
    db.session.refresh(org)
    if rowcount != 1:
        raise NotAllowed(edit_refusal(org))
    if org.district_code != old_district:
        # C-DIST: the organisation's files follow it to the district that now reviews it.
        db.session.execute(sa.update(Document).where(Document.owner_org_id == org.id)
                           .values(district_code=org.district_code))
    if org.kind == OrgKind.INSTITUTION and occupation_ids is not None:
        if set(occupation_ids) != set(licensed_occupation_ids(org)):
            changed.append("许可职业（工种）")
        _set_occupations(org.id, occupation_ids)
    if upload:
        kind = LICENCE_KINDS[org.kind]
        org.licence_document_id = documents.store(actor, upload, kind, org).id
        changed.append(f"更换{kind.label}")
    audit.record(actor, OBJECT_TYPE, org.id, "edit", from_state=org.state, to_state=org.state,
                 comment="修改：" + "、".join(changed) if changed else "保存（无改动）")
    db.session.flush()
    return org



def workflow_of(org: Organisation) -> Workflow:
    return HOST_WORKFLOW if org.kind == OrgKind.HOST else WORKFLOW


def reviewer_name(org: Organisation) -> str:
    """Who reviews `org` after its submission, as its submit button says it."""
    return "市就业促进中心" if org.kind == OrgKind.HOST else "所在区"


def state_label(org: Organisation) -> str:
    """The state in its owner's words: a host's submission waits for the centre, not a district."""
    if org.kind == OrgKind.HOST and org.state == ReviewState.SUBMITTED:
        return "待市级确认"
    return org.state.label


def submitted_note(org: Organisation) -> str:
    return "已提交市就业促进中心确认。" if org.kind == OrgKind.HOST else "已提交所在区人社局审核。"


def submit(actor, org: Organisation) -> ReviewState:
    return workflow_of(org).apply(actor, org, "submit")


# AP-W1: the district's decision, then the centre's (core.workflow.REVIEW_CHAIN); a host's
# record only the centre's (HOST_WORKFLOW has no district step, so one is refused).
district_review = chain_reviewer(WORKFLOW, "district")
_CENTER_REVIEWS = {OrgKind.HOST: chain_reviewer(HOST_WORKFLOW, "center")}
_center_chain_review = chain_reviewer(WORKFLOW, "center")


def center_review(actor, org: Organisation, decision, comment: str = "", pointed=()):
    review = _CENTER_REVIEWS.get(org.kind, _center_chain_review)
    return review(actor, org, decision, comment, pointed=pointed)



_CHOICE_LABELS = {"size": rules.ENTERPRISE_SIZES, "institution_type": rules.INSTITUTION_TYPES,
                  "host_type": {t.value: t.label for t in HostType}}
LICENCE_FILE = "资质文件"
OCCUPATIONS = "许可培训的职业（工种）"


def shown(field: str, value) -> str:
    if field == "contact_phone":
        return rules.mask_mobile(value or "")
    if isinstance(value, bool):
        return "是" if value else "否"
    if field in _CHOICE_LABELS:
        return _CHOICE_LABELS[field].get(value, value or "—")
    return "—" if value in (None, "") else str(value)


def snapshot(org: Organisation) -> dict[str, str]:
    """C-REV: the organisation's reviewable fields as its review page shows them."""
    fields = {label: shown(name, getattr(org, name))
              for name, label in editable_fields(org.kind).items()}
    fields[LICENCE_FILE] = revisions.describe_files([org.licence_document_id])
    if org.kind == OrgKind.INSTITUTION:
        names = db.session.scalars(sa.select(Occupation.name).where(
            Occupation.id.in_(licensed_occupation_ids(org))).order_by(Occupation.code))
        fields[OCCUPATIONS] = "、".join(names) or "—"
    return fields


def snapshot_labels(org: Organisation) -> list[str]:
    labels = [*editable_fields(org.kind).values(), LICENCE_FILE]
    return labels + [OCCUPATIONS] if org.kind == OrgKind.INSTITUTION else labels


revisions.register(OBJECT_TYPE, snapshot, snapshot_labels,
                   lambda orgs: revisions.load_documents(o.licence_document_id for o in orgs))
