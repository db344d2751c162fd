"""Performance evaluations and the centre's indicator list (AP-V4).

`evaluate` scores one organisation for one year at the actor's level (district or centre),
re-scoring replaces the earlier scores; `apply_audit_veto` turns every evaluation of a failed
audit's organisation and year into 不合格 with the audit named as the reason. Audited (C-AUD),
flushed, never committed.
"""

import sqlalchemy as sa

from portal import rules
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError
from portal.core.notify import notify, org_users
from portal.extensions import db
from portal.models import (
    AuditResult,
    Evaluation,
    EvaluationIndicator,
    EvaluationScore,
    Organisation,
    Role,
)
from portal.rules.assessment import AUDIT_YEARS
from portal.supervision.evaluations.access import LEVELS, may_evaluate

OBJECT_TYPE = "evaluation"
INDICATOR_TYPE = "evaluation_indicator"
COMMENT_MAX = 2000
YEARS = AUDIT_YEARS


# --- The indicator list (a centre setting) ------------------------------------------------

# The list the centre starts from, 100 points in all (the audits migration inserts the same
# rows into a new database; a migration keeps its own frozen copy).
DEFAULT_INDICATORS = (
    ("E1", "组织管理（领导重视、制度健全、专人负责）", 15),
    ("E2", "培训实施（计划执行、课程与学时落实）", 25),
    ("E3", "双导师带徒（企业导师与院校教师履职）", 15),
    ("E4", "学籍与考勤管理（实名签到、异动及时）", 15),
    ("E5", "培训成效（考核合格率、取得证书情况）", 20),
    ("E6", "资金使用（补贴申领规范、专款专用）", 10),
)


def seed_default_indicators() -> None:
    """The default list, where there is no list yet (a database emptied by its tests)."""
    if db.session.scalar(sa.select(EvaluationIndicator.id).limit(1)) is None:
        db.session.add_all(EvaluationIndicator(code=code, name=name, max_score=score, position=i)
                           for i, (code, name, score) in enumerate(DEFAULT_INDICATORS, start=1))
        db.session.flush()


def active_indicators() -> list[EvaluationIndicator]:
    return list(db.session.scalars(sa.select(EvaluationIndicator)
                                   .where(EvaluationIndicator.active.is_(True))
                                   .order_by(EvaluationIndicator.position,
                                             EvaluationIndicator.id)))


def save_indicator(actor, indicator: EvaluationIndicator | None, *, code: str, name: str,
                   max_score: int, position: int, active: bool) -> EvaluationIndicator:
    """Create (`indicator` None) or change one line of the list. Scores already given keep
    their value: an evaluation is read against the maxima it was scored under."""
    if actor.role != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以设置绩效评价指标（规则 AP-V4）")
    if not 1 <= max_score <= 100:
        raise ServiceError("指标分值须在1至100分之间")
    created = indicator is None
    if created:
        indicator = EvaluationIndicator()
        db.session.add(indicator)
    indicator.code, indicator.name = code.strip(), name.strip()
    indicator.max_score, indicator.position, indicator.active = max_score, position, active
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        raise ServiceError("指标编号已存在") from None
    audit.record(actor, INDICATOR_TYPE, indicator.id, "create" if created else "edit",
                 comment=f"{indicator.code} {indicator.name}（{indicator.max_score}分，"
                         f"{'启用' if active else '停用'}）")
    return indicator


# --- Evaluations ---------------------------------------------------------------------------


def failed_audit(org_id: int, year: int) -> AuditResult | None:
    return db.session.scalar(sa.select(AuditResult).where(
        AuditResult.organisation_id == org_id, AuditResult.year == year,
        AuditResult.passed.is_(False)))


def veto_reason(result: AuditResult) -> str:
    findings = f"：{result.findings}" if result.findings else ""
    return (f"{result.year}年度第三方审计不合格（{result.audited_on}）{findings}"
            "；一票否决（规则 AP-V4）")[:500]


def scores_of(evaluation_id: int) -> dict[int, int]:
    return dict(db.session.execute(sa.select(EvaluationScore.indicator_id, EvaluationScore.score)
                                   .where(EvaluationScore.evaluation_id == evaluation_id)).all())


def evaluate(actor, org: Organisation, *, year: int, scores: dict[int, int | None],
             comment: str = "") -> Evaluation:
    level = LEVELS.get(actor.role)
    if level is None or not may_evaluate(actor, org):
        raise NotAllowed("您无权评价该单位（规则 C-DIST）")
    if year not in YEARS:
        raise ServiceError("年度无效")
    indicators = active_indicators()
    if not indicators:
        raise ServiceError("尚未设置绩效评价指标，请联系市就业促进中心（规则 AP-V4）")
    problems = [f"{i.name}：{problem}" for i in indicators
                if (problem := rules.evaluation_score_problems(scores.get(i.id), i.max_score))]
    if problems:
        raise ServiceError("；".join(problems))
    total = sum(scores[i.id] for i in indicators)
    full = sum(i.max_score for i in indicators)
    failed = failed_audit(org.id, year)
    conclusion, vetoed = rules.evaluation_veto(rules.evaluation_conclusion(total, full),
                                               failed is not None)
    evaluation = db.session.scalar(sa.select(Evaluation).where(
        Evaluation.organisation_id == org.id, Evaluation.year == year, Evaluation.level == level))
    before = evaluation.conclusion if evaluation else None
    if evaluation is None:
        evaluation = Evaluation(organisation_id=org.id, year=year, level=level)
        db.session.add(evaluation)
    evaluation.district_code = org.district_code
    evaluation.total, evaluation.conclusion, evaluation.vetoed = total, conclusion, vetoed
    evaluation.veto_reason = veto_reason(failed) if failed else ""
    evaluation.comment = (comment or "").strip()[:COMMENT_MAX]
    evaluation.evaluated_by_id = actor.id
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # two evaluators of one level at the same moment
        raise ServiceError("该单位该年度的评价刚被他人登记，请刷新后再试") from None
    db.session.execute(sa.delete(EvaluationScore)
                       .where(EvaluationScore.evaluation_id == evaluation.id))
    db.session.execute(sa.insert(EvaluationScore), [
        {"evaluation_id": evaluation.id, "indicator_id": i.id, "score": scores[i.id]}
        for i in indicators])
    audit.record(actor, OBJECT_TYPE, evaluation.id, "evaluate", from_state=before,
                 to_state=conclusion,
                 comment=f"{year}年度 {total}/{full}分" + ("；审计不合格一票否决" if vetoed else ""))
    notify(org_users(org.id), "evaluation", f"{year}年度绩效评价结论：{conclusion}",
           body=evaluation.veto_reason, object_type=OBJECT_TYPE, object_id=evaluation.id)
    db.session.flush()
    return evaluation


def apply_audit_veto(actor, result: AuditResult) -> int:
    """AP-V4: every evaluation of the failed audit's organisation and year becomes 不合格,
    with the audit as its reason (an evaluation recorded later is vetoed by `evaluate`)."""
    reason = veto_reason(result)
    rows = db.session.execute(sa.select(Evaluation.id, Evaluation.conclusion).where(
        Evaluation.organisation_id == result.organisation_id,
        Evaluation.year == result.year)).all()
    for evaluation_id, before in rows:
        db.session.execute(sa.update(Evaluation).where(Evaluation.id == evaluation_id).values(
            conclusion=rules.EVALUATION_FAIL, vetoed=True, veto_reason=reason)
            .execution_options(synchronize_session="fetch"))
        audit.record(actor, OBJECT_TYPE, evaluation_id, "veto", from_state=before,
                     to_state=rules.EVALUATION_FAIL, comment=reason)
    return len(rows)
