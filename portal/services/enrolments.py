"""Apprentice registration (学徒报名), district review and the student record (学籍): AP-W2.

Rules: C-ID1, C-ID3 and AP-E1..E6 on registration and again on submission and approval,
AP-A1 (a training agreement before establishment), AP-P5 (catalogue facts frozen on the
day the record is established), C-PII (seeing a full ID number is audited).

Seats. ``Programme.enrolled_count`` counts the programme's enrolments in HOLDING_STATES
(submitted, active, suspended): the same states in which AP-E5's partial unique index holds
the person. A draft or returned registration holds neither a seat nor the person; submitting
takes a seat with a guarded UPDATE (the CHECK enrolled_count <= planned_count backs it up),
and every move out of HOLDING_STATES (returned, rejected here; withdrawn, transferred,
completed in the status-change code) gives it back through ``release_seat`` in the same
transaction.

The person. An ``Apprentice`` is one row per resident ID across all enterprises. A new
registration with a known ID reuses the row (never a duplicate) and brings its name and
mobile up to date, as typed by the enterprise registering the person now. Nothing about the
person is ever looked up for, or shown to, an enterprise: no pre-fill, and an AP-E5 refusal
names neither the other enterprise nor its programme. Each enterprise sees only its own
enrolments (contract, wage, history) through ``access.enrolments_for``.
"""

import secrets
import string
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.util import identity_key

from portal import rules
from portal.access import can
from portal.clock import today  # noqa: F401 - today is part of this module's API
from portal.extensions import db
from portal.models import (
    HOLDING_STATES,
    Apprentice,
    CatalogueKind,
    DocumentKind,
    Enrolment,
    EnrolmentState,
    Organisation,
    Programme,
    ReviewState,
    Role,
    TrainingAgreement,
    User,
)
from portal.models.base import utcnow
from portal.services import audit, catalogues, documents
from portal.services.errors import NotAllowed, ServiceError, StateConflict
from portal.services.mentors import mentor_problems
from portal.services.parameters import parameters_on
from portal.services.passwords import hash_password
from portal.services.review import Decision

OBJECT_TYPE = "enrolment"
S = EnrolmentState

# States in which a registration is still on the programme's list (a second one for the
# same person in the same programme is refused); the rest are history.
LIVE_STATES = (S.DRAFT, S.RETURNED, *HOLDING_STATES)
AGREEMENT_STATES = (S.DRAFT, S.RETURNED, S.SUBMITTED)
NAME_MAX = 32
WAGE_MAX = 1_000_000  # yuan a month: anything above is a typing error (and overflows INTEGER)
WAGE_RANGE_MESSAGE = f"月工资须为 0 至 {WAGE_MAX} 之间的整数（元）"
# AP-A1 PDF: stored once the Document kind exists (needs a migration of document.kind's CHECK).
AGREEMENT_DOCUMENT_KIND = DocumentKind.__members__.get("TRAINING_AGREEMENT")

# District decision → the state it leads to (AP-W2; C-REV for return and reject).
DECISIONS = {Decision.APPROVE: S.ACTIVE, Decision.RETURN: S.RETURNED, Decision.REJECT: S.REJECTED}

AP_E5_MESSAGE = rules.rule_message("AP-E5")


class QuotaExceeded(ServiceError):
    """The programme's approved headcount (核定人数) is used up."""




@dataclass(frozen=True)
class Registration:
    """What an enterprise states about one apprentice (form, import row or stored enrolment)."""

    name: str
    resident_id: str
    mobile: str
    contract_start: date
    contract_end: date | None  # None = open-ended (AP-E1)
    insured_in_beijing: bool
    hire_type: str
    dispatched: bool
    monthly_wage: int

    @classmethod
    def of(cls, enrolment: Enrolment, apprentice: Apprentice) -> "Registration":
        return cls(apprentice.name, apprentice.resident_id, apprentice.mobile,
                   enrolment.contract_start, enrolment.contract_end,
                   enrolment.insured_in_beijing, enrolment.hire_type, enrolment.dispatched,
                   enrolment.monthly_wage)

    def enrolment_values(self) -> dict:
        return {
            "contract_start": self.contract_start, "contract_end": self.contract_end,
            "insured_in_beijing": self.insured_in_beijing, "hire_type": self.hire_type,
            "dispatched": self.dispatched, "monthly_wage": self.monthly_wage,
        }


# ------------------------------------------------------------------------------ rules


def wage_day(programme: Programme, day: date | None = None) -> date:
    """AP-E6: the day whose minimum wage applies — training start, or today once started."""
    return max(day or today(), programme.start_date)


def params_for(programme: Programme, day: date | None = None) -> dict[str, int]:
    """The parameters (AP-E6's minimum wage) a registration in `programme` is checked with."""
    return parameters_on(wage_day(programme, day))


def name_problem(name: str) -> str | None:
    name = (name or "").strip()
    if not name:
        return "请填写学徒姓名"
    if len(name) > NAME_MAX:
        return f"姓名不能超过 {NAME_MAX} 个字"
    if name.startswith("="):
        return "姓名不能以“=”开头"
    return None


def registration_problems(level: str, reg: Registration, params) -> list[str]:
    """C-ID1, C-ID3, AP-E1..E4, AP-E6: rule IDs a registration violates, in catalogue order.

    Pure (no queries): forms, the Excel import and the services all call it.
    """
    found = []
    if not rules.is_valid_resident_id(reg.resident_id):
        found.append("C-ID1")
    if not rules.is_valid_mobile(reg.mobile):
        found.append("C-ID3")
    found += rules.apprentice_eligibility_problems(
        level, reg.contract_start, reg.contract_end, reg.insured_in_beijing, reg.hire_type)
    found += rules.wage_problems(reg.monthly_wage, params=params)
    return rules.in_catalogue_order(found)


def _check(programme: Programme, reg: Registration, day: date | None = None) -> None:
    problem = name_problem(reg.name)
    if problem:
        raise ServiceError(problem)
    if not 0 <= reg.monthly_wage <= WAGE_MAX:
        raise ServiceError(WAGE_RANGE_MESSAGE)
    params = params_for(programme, day)
    found = registration_problems(programme.level, reg, params)
    if found:
        raise rules.RuleViolation(found, params=params)


# ------------------------------------------------------------------------------ seats


def _expire_count(programme_id: int) -> None:
    programme = db.session.identity_map.get(identity_key(Programme, programme_id))
    if programme is not None:
        db.session.expire(programme, ["enrolled_count"])


def quota_message(programme: Programme, wanted: int = 1) -> str:
    return (f"超出核定人数：本项目核定 {programme.planned_count} 人，已占用 "
            f"{programme.enrolled_count} 人，本次需要 {wanted} 个名额")


def take_seats(programme_id: int, n: int = 1) -> None:
    """Take `n` seats at once, or none: a guarded UPDATE that wins only within the headcount.

    ``UPDATE programme SET enrolled_count = enrolled_count + n
      WHERE id = :id AND enrolled_count + n <= planned_count`` — exactly one row, or refuse.
    """
    changed = db.session.execute(
        sa.update(Programme)
        .where(Programme.id == programme_id,
               Programme.enrolled_count + n <= Programme.planned_count)
        .values(enrolled_count=Programme.enrolled_count + n)
        .execution_options(synchronize_session=False)
    ).rowcount
    _expire_count(programme_id)
    if changed != 1:
        programme = db.session.get(Programme, programme_id)
        raise QuotaExceeded(quota_message(programme, n))


def release_seat(programme_id: int, n: int = 1) -> None:
    """Give back `n` seats; call it in the transaction that moves an enrolment out of
    HOLDING_STATES (withdrawn, transferred, completed …). Never below zero."""
    changed = db.session.execute(
        sa.update(Programme)
        .where(Programme.id == programme_id, Programme.enrolled_count >= n)
        .values(enrolled_count=Programme.enrolled_count - n)
        .execution_options(synchronize_session=False)
    ).rowcount
    _expire_count(programme_id)
    if changed != 1:
        raise StateConflict("项目名额计数与学籍不一致，请联系管理员")


def seats_in_use(programme_id: int) -> int:
    """What enrolled_count must equal: the programme's enrolments in HOLDING_STATES."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Enrolment)
        .where(Enrolment.programme_id == programme_id, Enrolment.status.in_(HOLDING_STATES)))


# ------------------------------------------------------------------------------ look-ups


def holding_enrolment(apprentice_id: int, *, besides: int | None = None) -> Enrolment | None:
    """AP-E5: the person's one enrolment in HOLDING_STATES, if any."""
    q = sa.select(Enrolment).where(Enrolment.apprentice_id == apprentice_id,
                                   Enrolment.status.in_(HOLDING_STATES))
    if besides is not None:
        q = q.where(Enrolment.id != besides)
    return db.session.scalar(q)


def current_enrolment_for(user) -> Enrolment | None:
    """A trainee's one enrolment in HOLDING_STATES (at most one, AP-E5), with its programme."""
    if getattr(user, "role", None) != Role.TRAINEE:
        return None
    return db.session.scalar(
        sa.select(Enrolment)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .options(joinedload(Enrolment.programme))
        .where(Apprentice.user_id == user.id, Enrolment.status.in_(HOLDING_STATES)))


def active_enrolment_for(user) -> Enrolment | None:
    """A trainee's enrolment whose student record is established and not suspended."""
    enrolment = current_enrolment_for(user)
    return enrolment if enrolment is not None and enrolment.status == S.ACTIVE else None


def can_register(actor, programme: Programme) -> bool:
    """AP-W2: only the programme's own enterprise registers, once the programme is approved."""
    return (getattr(actor, "role", None) == Role.ENTERPRISE
            and actor.org_id == programme.enterprise_id
            and programme.status == ReviewState.APPROVED)


def require_register(actor, programme: Programme) -> None:
    if can_register(actor, programme):
        return
    if getattr(actor, "role", None) == Role.ENTERPRISE and actor.org_id == programme.enterprise_id:
        raise NotAllowed("培训项目经市级审核通过后才能办理学徒报名（规则 AP-W2）")
    raise NotAllowed("只有该培训项目的申报企业可以办理学徒报名")


# ------------------------------------------------------------------------------ registration


def _person(reg: Registration) -> Apprentice | None:
    return db.session.scalar(sa.select(Apprentice).where(Apprentice.resident_id == reg.resident_id))


def _already_listed(programme_id: int, apprentice_id: int, besides: int | None = None) -> bool:
    q = sa.select(Enrolment.id).where(Enrolment.programme_id == programme_id,
                                      Enrolment.apprentice_id == apprentice_id,
                                      Enrolment.status.in_(LIVE_STATES))
    if besides is not None:
        q = q.where(Enrolment.id != besides)
    return db.session.scalar(q.limit(1)) is not None


DUPLICATE_IN_PROGRAMME = "该学徒已在本项目名单中，请勿重复报名"


def _claim_person(reg: Registration, programme: Programme, besides: int | None = None) -> Apprentice:
    """The Apprentice for `reg` (reused by resident ID, else new); all checks before writes."""
    person = _person(reg)
    if person is not None:
        if holding_enrolment(person.id, besides=besides) is not None:
            raise rules.RuleViolation("AP-E5")
        if _already_listed(programme.id, person.id, besides):
            raise ServiceError(DUPLICATE_IN_PROGRAMME)
        person.name, person.mobile = reg.name.strip(), reg.mobile
        return person
    person = Apprentice(name=reg.name.strip(), resident_id=reg.resident_id, mobile=reg.mobile)
    db.session.add(person)
    return person


def register(actor, programme: Programme, reg: Registration) -> Enrolment:
    """学徒报名: a draft registration in an approved programme (no seat until submitted)."""
    require_register(actor, programme)
    _check(programme, reg)
    person = _claim_person(reg, programme)
    db.session.flush()
    enrolment = Enrolment(programme_id=programme.id, apprentice_id=person.id,
                          enterprise_id=programme.enterprise_id,
                          district_code=programme.district_code, status=S.DRAFT,
                          **reg.enrolment_values())
    db.session.add(enrolment)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, enrolment.id, "create", to_state=S.DRAFT)
    db.session.flush()
    return enrolment


def update(actor, enrolment: Enrolment, reg: Registration) -> None:
    """AP-W4: the owner corrects a draft or returned registration (a new ID = another person)."""
    if not can(actor, "edit", enrolment):
        raise NotAllowed("该学徒报名已提交，不能修改（规则 AP-W4）")
    programme = db.session.get(Programme, enrolment.programme_id)
    _check(programme, reg)
    person = _claim_person(reg, programme, besides=enrolment.id)
    db.session.flush()
    enrolment.apprentice_id = person.id
    for name, value in reg.enrolment_values().items():
        setattr(enrolment, name, value)
    audit.record(actor, OBJECT_TYPE, enrolment.id, "edit", from_state=enrolment.status,
                 to_state=enrolment.status)
    db.session.flush()


def _move(enrolment: Enrolment, sources, values: dict) -> None:
    """Guarded UPDATE of the state: wins once even when two requests race (else 已被处理).

    The AP-E5 partial unique index may refuse a move into HOLDING_STATES that a concurrent
    request made first; that is answered with the AP-E5 message, never a 500.
    """
    try:
        changed = db.session.execute(
            sa.update(Enrolment)
            .where(Enrolment.id == enrolment.id, Enrolment.status.in_(sources))
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        ).rowcount
    except IntegrityError as err:
        raise rules.RuleViolation("AP-E5") from err
    if changed != 1:
        raise StateConflict()
    db.session.refresh(enrolment)


def _submit(actor, enrolment: Enrolment, programme: Programme, person: Apprentice) -> None:
    if not can(actor, "submit", enrolment):
        if enrolment.status.editable:
            raise NotAllowed("只有报名企业可以提交")
        raise StateConflict()
    if programme.status != ReviewState.APPROVED:
        raise NotAllowed("培训项目未处于已批准状态，不能提交学徒报名（规则 AP-W2）")
    _check(programme, Registration.of(enrolment, person))
    if holding_enrolment(person.id) is not None:
        raise rules.RuleViolation("AP-E5")
    take_seats(programme.id)
    from_state = enrolment.status
    _move(enrolment, (S.DRAFT, S.RETURNED), {"status": S.SUBMITTED, "submitted_at": utcnow()})
    audit.record(actor, OBJECT_TYPE, enrolment.id, "submit", from_state=from_state,
                 to_state=S.SUBMITTED)


def submit(actor, enrolment: Enrolment) -> EnrolmentState:
    """学徒报名 to the district: rules again, AP-E5, then one seat (超出核定人数 otherwise)."""
    programme = db.session.get(Programme, enrolment.programme_id)
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    _submit(actor, enrolment, programme, person)
    db.session.flush()
    return enrolment.status


def submit_all(actor, programme: Programme) -> int:
    """Submit every draft and returned registration of `programme`: all of them, or none.

    Each goes through the same checks as a single submission; the first refusal is raised
    (naming the apprentice) and the caller rolls the whole batch back.
    """
    require_register(actor, programme)
    rows = db.session.execute(
        sa.select(Enrolment, Apprentice)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .where(Enrolment.programme_id == programme.id,
               Enrolment.enterprise_id == actor.org_id,
               Enrolment.status.in_((S.DRAFT, S.RETURNED)))
        .order_by(Enrolment.id)
    ).all()
    if not rows:
        raise ServiceError("本项目没有待提交的学徒报名")
    if programme.enrolled_count + len(rows) > programme.planned_count:
        raise QuotaExceeded(quota_message(programme, len(rows)))
    for enrolment, person in rows:
        try:
            _submit(actor, enrolment, programme, person)
        except (ServiceError, rules.RuleViolation) as err:
            message = getattr(err, "message", None) or str(err)
            raise ServiceError(f"{person.name}：{message}。本次未提交任何学徒，请处理后重试") from err
    db.session.flush()
    return len(rows)


# ------------------------------------------------------------------------------ district review


def _trainee_username(mobile: str) -> str:
    taken = set(db.session.scalars(
        sa.select(User.username).where(User.username.like(f"{mobile}%"))))
    if mobile not in taken:
        return mobile
    n = 2
    while f"{mobile}-{n}" in taken:
        n += 1
    return f"{mobile}-{n}"


def _random_password() -> str:
    """12 characters, no look-alikes (0/O, 1/l/I): read out once over the phone."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


def ensure_trainee_account(actor, person: Apprentice) -> User | None:
    """AP-W2: the trainee's login (username = mobile); None if the person already has one.

    The password is random and never shown: the enterprise issues one with
    ``reset_initial_password``; the trainee must change it at first login.
    """
    if person.user_id is not None:
        return None
    user = User(username=_trainee_username(person.mobile), role=Role.TRAINEE,
                password_hash=hash_password(secrets.token_urlsafe(24)),
                display_name=person.name, must_change_password=True)
    db.session.add(user)
    db.session.flush()
    person.user_id = user.id
    audit.record(actor, "user", user.id, "create_trainee_account",
                 comment=f"学员账号 {rules.mask_mobile(user.username[:11])}")
    return user


def establishment_values(enrolment: Enrolment, programme: Programme, day: date) -> dict:
    """AP-W2, AP-A1, AP-M1, AP-P5: what establishing the record on `day` writes, or a refusal."""
    problems = (["AP-A1"] if enrolment.agreement_id is None else []) + mentor_problems(enrolment)
    if problems:
        raise rules.RuleViolation(rules.in_catalogue_order(problems))
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    _check(programme, Registration.of(enrolment, person), day)
    flags = catalogues.flags_for(programme.occupation_id, day)
    return {
        "established_on": day,
        "urgent": CatalogueKind.URGENT in flags,
        "in_assessment_scope": CatalogueKind.ASSESSMENT_SCOPE in flags,
    }


def district_review(actor, enrolment: Enrolment, decision: Decision, comment: str = "", *,
                    day: date | None = None) -> EnrolmentState:
    """AP-W2 inline review: approve (establish the record), return or reject (C-REV).

    Approval needs a training agreement (AP-A1), re-checks AP-E1..E6, freezes the catalogue
    facts in force on the approval day (AP-P5) and opens a trainee account if the person has
    none. Both mentors must be assigned first (AP-M1). A return or rejection frees the seat.
    """
    target = DECISIONS.get(decision)
    if target is None:
        raise NotAllowed("不支持的审核操作")
    comment = (comment or "").strip()
    if decision != Decision.APPROVE and not comment:
        raise ServiceError("退回修改须填写修改意见，不予通过须填写理由（规则 C-REV）")
    if enrolment.status != S.SUBMITTED:
        raise StateConflict()
    if not can(actor, "district_review", enrolment):
        raise NotAllowed("您无权审核该学徒报名")
    day = day or today()
    programme = db.session.get(Programme, enrolment.programme_id)
    values = {"status": target, "decided_at": utcnow()}
    if decision == Decision.APPROVE:
        values |= establishment_values(enrolment, programme, day)
    _move(enrolment, (S.SUBMITTED,), values)
    if decision == Decision.APPROVE:
        ensure_trainee_account(actor, db.session.get(Apprentice, enrolment.apprentice_id))
    else:
        release_seat(programme.id)
    audit.record(actor, OBJECT_TYPE, enrolment.id, decision.value, from_state=S.SUBMITTED,
                 to_state=target, comment=comment or (f"学籍建立日 {day}" if target == S.ACTIVE else ""))
    db.session.flush()
    return target


@dataclass
class BulkResult:
    approved: list[int]
    refused: dict[int, str]  # enrolment id → why (the row keeps its message)


def approve_many(actor, enrolments: list[Enrolment], *, day: date | None = None) -> BulkResult:
    """Approve a selection, each row through ``district_review``; per-row results.

    A refused row (no agreement, already handled, a rule) is refused before anything of it
    is written, so the others go ahead in the same transaction.
    """
    result = BulkResult([], {})
    for enrolment in enrolments:
        try:
            district_review(actor, enrolment, Decision.APPROVE, day=day)
        except (ServiceError, rules.RuleViolation) as err:
            result.refused[enrolment.id] = getattr(err, "message", None) or str(err)
        else:
            result.approved.append(enrolment.id)
    return result


# ------------------------------------------------------------------------------ agreements


def record_agreement(actor, programme: Programme, enrolment_ids, signed_on: date, *,
                     collective: bool = False, note: str = "", upload=None) -> TrainingAgreement:
    """AP-A1: one agreement per apprentice, or one collective agreement for a batch of the
    same programme (hence the same occupation), linked from each enrolment."""
    ids = sorted(set(enrolment_ids))
    if not ids:
        raise ServiceError("请选择签订协议的学徒")
    if not collective and len(ids) != 1:
        raise ServiceError("个人培训协议只对应一名学徒；多名学徒请登记集体协议")
    if signed_on > today():
        raise ServiceError("协议签订日期不能晚于今天")
    chosen = list(db.session.scalars(sa.select(Enrolment).where(
        Enrolment.id.in_(ids), Enrolment.programme_id == programme.id)))
    if len(chosen) != len(ids) or not all(can(actor, "record_agreement", e) for e in chosen):
        raise StateConflict("所选学徒中有已审核或不属于本项目的记录，请刷新后重试")
    agreement = TrainingAgreement(programme_id=programme.id, collective=collective,
                                  signed_on=signed_on, note=(note or "").strip()[:200])
    if upload is not None and getattr(upload, "filename", None):
        if AGREEMENT_DOCUMENT_KIND is None:
            raise ServiceError("暂不支持上传协议文件")
        owner = db.session.get(Organisation, programme.enterprise_id)
        agreement.document_id = documents.store(actor, upload, AGREEMENT_DOCUMENT_KIND, owner).id
    db.session.add(agreement)
    db.session.flush()
    changed = db.session.execute(
        sa.update(Enrolment)
        .where(Enrolment.id.in_(ids), Enrolment.status.in_(AGREEMENT_STATES))
        .values(agreement_id=agreement.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != len(ids):
        raise StateConflict()
    for e in chosen:
        db.session.refresh(e)
    kind = f"集体协议（{len(ids)}人）" if collective else "个人协议"
    for enrolment_id in ids:
        audit.record(actor, OBJECT_TYPE, enrolment_id, "record_agreement",
                     comment=f"{kind}，签订日期 {signed_on}")
    db.session.flush()
    return agreement


# ------------------------------------------------------------------------------ C-PII, accounts


@dataclass(frozen=True)
class Identity:
    resident_id: str
    mobile: str


def reveal_identity(actor, enrolment: Enrolment) -> Identity:
    """C-PII: the full ID number and mobile, for those allowed; every look is audited."""
    if not can(actor, "view_full_id", enrolment):
        raise NotAllowed("您无权查看完整证件号码")
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    audit.record(actor, OBJECT_TYPE, enrolment.id, "view_full_id")
    db.session.flush()
    return Identity(person.resident_id, person.mobile)


@dataclass(frozen=True)
class InitialPassword:
    username: str
    password: str  # shown once, never stored in clear


def reset_initial_password(actor, enrolment: Enrolment) -> InitialPassword:
    """AP-W2: a fresh random initial password for the trainee (audited; must be changed)."""
    if not can(actor, "reset_password", enrolment):
        raise NotAllowed("学籍建立后，报名企业才能为学员生成初始密码")
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    ensure_trainee_account(actor, person)
    user = db.session.get(User, person.user_id)
    password = _random_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    audit.record(actor, OBJECT_TYPE, enrolment.id, "reset_password",
                 comment="生成学员初始密码（登录后须修改）")
    db.session.flush()
    return InitialPassword(user.username, password)
