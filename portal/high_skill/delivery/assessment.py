"""HS-W7 (annex 2, our design): at the end the host assesses each listed trainee on four
criteria, 出勤情况 / 学习态度 / 交流研讨 / 工作总结, each 合格 (1) or 不合格 (0) with an optional
comment; the verdict is 合格 only if all four pass and a work summary was handed in (HS-P5).

The attendance criterion is offered pre-filled from the check-ins (rules.hs_attendance_passes);
the host decides. Comments travel in the audit row of the assessment (C-AUD).
"""

from datetime import date

from portal.clock import now_utc
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.high_skill.delivery import sessions
from portal.models import HsProposal, HsTrainee, HsVerdict
from portal.rules.high_skill import HS_ASSESSMENT_CRITERIA, hs_assessment_open, hs_verdict

OBJECT_TYPE = "hs_trainee"
COMMENT_MAX = 200
PASS, FAIL = 1, 0
SCORE_LABELS = {PASS: "合格", FAIL: "不合格"}

NOT_YET = "研修结束后（或已完成计划学时后）才能进行结业考核（规则 HS-W7）"
NO_SUMMARY = "该学员尚未提交工作总结，“工作总结”一项不能评为合格（规则 HS-P5）"


def is_open(proposal: HsProposal, today: date) -> bool:
    """HS-W7: "at the end": from the end date, or once the planned hours are held."""
    return hs_assessment_open(proposal.ends_on, today, sessions.held(proposal.id).hours,
                              proposal.total_hours)


def scores_of(trainee: HsTrainee) -> dict[str, int | None]:
    return {key: getattr(trainee, f"score_{key}") for key in HS_ASSESSMENT_CRITERIA}


def assess(actor, trainee: HsTrainee, scores: dict[str, int], comments: dict[str, str],
           today: date) -> HsVerdict:
    """Record the four criteria and the verdict; re-assessing is allowed until the filing."""
    proposal = db.session.get(HsProposal, trainee.proposal_id)
    if not can(actor, "assess", proposal):
        raise NotAllowed("只有承办单位可以在研修实施期间对学员进行结业考核")
    if trainee.removed_at is not None:
        raise StateConflict("该学员已从名单中移除，不再考核")
    if not is_open(proposal, today):
        raise ServiceError(NOT_YET)
    if any(scores.get(key) not in (PASS, FAIL) for key in HS_ASSESSMENT_CRITERIA):
        raise ServiceError("请对四项考核内容逐项评定合格或不合格（规则 HS-W7）")
    has_summary = trainee.summary_document_id is not None
    if scores["summary"] == PASS and not has_summary:
        raise ServiceError(NO_SUMMARY)
    verdict = HsVerdict(hs_verdict(scores, has_summary))
    previous = trainee.verdict
    for key in HS_ASSESSMENT_CRITERIA:
        setattr(trainee, f"score_{key}", scores[key])
    trainee.verdict = verdict
    trainee.assessed_at, trainee.assessed_by_id = now_utc(), actor.id
    audit.record(actor, OBJECT_TYPE, trainee.id, "assess",
                 from_state=previous.value if previous else None, to_state=verdict.value,
                 comment=describe(scores, comments))
    db.session.flush()
    return verdict


def describe(scores: dict[str, int], comments: dict[str, str]) -> str:
    """出勤情况：合格；学习态度：不合格（迟到多次）…: the annex-2 record in one line."""
    parts = []
    for key, label in HS_ASSESSMENT_CRITERIA.items():
        note = (comments.get(key) or "").strip()[:COMMENT_MAX]
        parts.append(f"{label}：{SCORE_LABELS[scores[key]]}" + (f"（{note}）" if note else ""))
    return "；".join(parts)
