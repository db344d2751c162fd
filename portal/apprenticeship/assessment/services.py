"""Joint assessment (考核评价, AP-S1, AP-S2, AP-W4): each party's verdict, the agreement that
completes the enrolment and issues the certificate, and the vocational certificate.

One service call per save; it flushes, audits every write (object type "assessment") and
never commits: the view commits once (web.commit.commit_or_refuse).
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal import rules
from portal.apprenticeship.assessment.access import ENTERPRISE, assessing_side
from portal.apprenticeship.enrolment import services as enrolments
from portal.apprenticeship.status.services import enrolment_planned_end
from portal.certificates.issue import issue_for_enrolment
from portal.clock import today  # tests may set the day through services.today
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.models import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Enrolment,
    EnrolmentState,
    Programme,
    Verdict,
    VocationalCertificateType,
)
from portal.models.base import utcnow

OBJECT_TYPE = "assessment"
COMMENT_MAX = 500

NOT_A_PARTY = "只有本项目的企业或合作培训机构可以填写考核结果（规则 AP-S1）"
TOO_EARLY = "培训期满后方可考核（规则 AP-S1）：计划结业日期为{end}"
NOT_ACTIVE = "只有在训学徒可以考核（规则 AP-S1）：该学徒当前为“{state}”"
DISAGREEMENT = "企业与培训机构考核意见不一致"
LOCKED = "剩余补贴已批准，考核结果不能再修改（规则 AP-W4）"
CLAIM_IN_REVIEW = "该学徒的剩余补贴申请正在审核或已批准，考核结果不能修改（规则 AP-W4）"
AGREED = "企业与培训机构已确认考核结果，不能再更改（规则 AP-W4）"
NOTHING = "请选择考核结果（合格或不合格）（规则 AP-S1）"

# A final claim holding the apprentice in any of these states freezes the assessment (AP-W4).
CLAIM_HOLDS = (ClaimState.SUBMITTED, ClaimState.DISTRICT_APPROVED, ClaimState.APPROVED,
               ClaimState.PAID)


@dataclass
class Vocational:
    """AP-S2: a vocational certificate earned in a skill assessment."""

    type: str | None
    level: str | None
    number: str | None
    issued_on: date | None

    @property
    def empty(self) -> bool:
        return not (self.type or self.level or (self.number or "").strip() or self.issued_on)


class AssessmentRefused(ServiceError):
    """Refusals with the form field each belongs to, so the row can show them in place."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("；".join(message for _field, message in problems))


def assessment_of(enrolment_id: int) -> Assessment | None:
    return db.session.scalar(sa.select(Assessment).where(Assessment.enrolment_id == enrolment_id))


def final_claim_in_review(enrolment_id: int) -> bool:
    """AP-W4: a final-claim line for the apprentice sits in a claim under review or decided."""
    return db.session.scalar(
        sa.select(ClaimLine.id).join(Claim, Claim.id == ClaimLine.claim_id)
        .where(ClaimLine.enrolment_id == enrolment_id, ClaimLine.kind == ClaimKind.FINAL,
               ClaimLine.released.is_(False), Claim.state.in_(CLAIM_HOLDS))
        .limit(1)) is not None


def _get_or_create(actor, enrolment: Enrolment) -> Assessment:
    found = assessment_of(enrolment.id)
    if found is not None:
        return found
    assessment = Assessment(enrolment_id=enrolment.id, programme_id=enrolment.programme_id,
                            comment="")
    db.session.add(assessment)
    try:
        db.session.flush()
    except IntegrityError:
        # The other party saved the first verdict at the same moment (unique enrolment_id):
        # the view rolls everything back and the user saves again.
        raise StateConflict("另一方刚刚保存了考核结果，请刷新后重新保存") from None
    audit.record(actor, OBJECT_TYPE, assessment.id, "open", comment=f"学籍 {enrolment.id}")
    return assessment


def _guarded(assessment: Assessment, values: dict, *where) -> None:
    """UPDATE assessment … WHERE not locked [AND where]: exactly one row, or refuse (AP-W4)."""
    changed = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.locked_at.is_(None), *where)
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(assessment)
        raise ServiceError(LOCKED if assessment.locked_at else AGREED)
    db.session.refresh(assessment)


def _check_open(assessment: Assessment | None, enrolment: Enrolment, day: date) -> None:
    if assessment is not None and assessment.locked_at is not None:
        raise ServiceError(LOCKED)
    if final_claim_in_review(enrolment.id):
        raise ServiceError(CLAIM_IN_REVIEW)
    if assessment is not None and assessment.agreed_verdict is not None:
        return  # completed by the assessment: only the vocational certificate may follow
    if enrolment.state != EnrolmentState.ACTIVE:
        raise ServiceError(NOT_ACTIVE.format(state=EnrolmentState(enrolment.state).label))
    end = enrolment_planned_end(enrolment)
    if not rules.may_assess(day, end):
        raise ServiceError(TOO_EARLY.format(end=end))


def record_verdict(actor, enrolment: Enrolment, verdict: Verdict | str | None, *,
                   vocational: Vocational | None = None, comment: str = "",
                   day: date | None = None) -> Assessment:
    """AP-S1, AP-S2, AP-W4: the actor's party gives its verdict (and any vocational
    certificate); when both verdicts agree the enrolment is completed and, on a pass, the
    certificate issued. Flushes and audits; the caller commits."""
    day = day or today()
    programme = db.session.get(Programme, enrolment.programme_id)
    side = assessing_side(actor, programme)
    if side is None:
        raise NotAllowed(NOT_A_PARTY)
    verdict = Verdict(verdict) if verdict else None
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise AssessmentRefused([("comment", f"考核意见不能超过{COMMENT_MAX}字")])
    vocational = None if vocational is None or vocational.empty else vocational
    if vocational is not None:
        problems = rules.vocational_certificate_problems(
            vocational.type, vocational.level, vocational.number, vocational.issued_on, day)
        if problems:
            raise AssessmentRefused(problems)
    assessment = assessment_of(enrolment.id)
    _check_open(assessment, enrolment, day)
    column = f"{side}_verdict"
    current = getattr(assessment, column) if assessment is not None else None
    if verdict is None and current is None:
        raise AssessmentRefused([("verdict", NOTHING)])
    if assessment is not None and assessment.agreed_verdict is not None:
        if verdict is not None and verdict != current:
            raise ServiceError(AGREED)
        verdict = None  # unchanged
    assessment = assessment or _get_or_create(actor, enrolment)

    if verdict is not None and verdict != current:
        _guarded(assessment, {column: verdict, f"{side}_by_id": actor.id,
                              f"{side}_at": utcnow(), "comment": comment or assessment.comment},
                 Assessment.agreed_verdict.is_(None))
        who = "企业" if side == ENTERPRISE else "培训机构"
        audit.record(actor, OBJECT_TYPE, assessment.id, column, from_state=current,
                     to_state=verdict, comment=f"{who}考核意见：{verdict.label}"
                     + (f"；{comment}" if comment else ""))
    if vocational is not None:
        _record_vocational(actor, assessment, vocational)
    _agree_if_both(actor, assessment, enrolment, day)
    db.session.flush()
    return assessment


def _record_vocational(actor, assessment: Assessment, v: Vocational) -> None:
    """AP-S2: type, level, number and issue date, added or corrected until locked (AP-W4)."""
    values = {"vocational_type": VocationalCertificateType(v.type),
              "vocational_level": v.level, "vocational_number": v.number.strip(),
              "vocational_issued_on": v.issued_on}
    if all(getattr(assessment, k) == value for k, value in values.items()):
        return
    action = "vocational_corrected" if assessment.has_vocational_certificate else "vocational"
    _guarded(assessment, values)
    audit.record(actor, OBJECT_TYPE, assessment.id, action,
                 comment=f"{values['vocational_type'].label} {rules.LEVEL_LABELS[v.level]} "
                         f"{values['vocational_number']}（{v.issued_on}）")


def _agree_if_both(actor, assessment: Assessment, enrolment: Enrolment, day: date) -> None:
    """AP-S1: both verdicts given and equal → agreed, enrolment completed, certificate on a pass."""
    if assessment.agreed_verdict is not None:
        return
    agreed = rules.joint_verdict(assessment.enterprise_verdict, assessment.institution_verdict)
    if agreed is None:
        return
    agreed = Verdict(agreed)
    _guarded(assessment, {"agreed_verdict": agreed, "agreed_at": utcnow()},
             Assessment.agreed_verdict.is_(None), Assessment.enterprise_verdict == agreed,
             Assessment.institution_verdict == agreed)
    audit.record(actor, OBJECT_TYPE, assessment.id, "agree", to_state=agreed,
                 comment=f"企业与培训机构考核意见一致：{agreed.label}")
    enrolments.WORKFLOW.apply(actor, enrolment, "complete",
                              f"企校联合考核{agreed.label}，结业", values={"ended_on": day})
    enrolments.release_seat(enrolment.programme_id)
    if agreed == Verdict.PASSED:
        issue_for_enrolment(actor, enrolment, day)


def disagreement_message(assessment: Assessment | None) -> str | None:
    """AP-S1: what both parties see while their verdicts differ."""
    if assessment is None or not rules.verdicts_disagree(assessment.enterprise_verdict,
                                                         assessment.institution_verdict):
        return None
    return DISAGREEMENT
