"""HS-W8: within 14 days of the end the host files the completion: the roster of trainees
who passed (annex 3), the project summary and the trainees' summaries. The project moves
FILED → COMPLETED once (a guarded update); the filing is versioned with the list's filings
(HsFiling) and keeps a snapshot of what was filed. A late filing is accepted and flagged.
"""

from datetime import date

import sqlalchemy as sa

from portal.clock import now_utc
from portal.core import audit
from portal.core import files as documents
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.high_skill.delivery import sessions
from portal.models import (
    ClassSession,
    DocumentKind,
    FilingKind,
    HsFiling,
    HsProposal,
    HsTrainee,
    HsVerdict,
    Organisation,
    ProposalState,
)
from portal.rules.high_skill import (
    HS_PROJECT_SUMMARY_MIN_CHARS,
    hs_completion_problems,
    hs_days_late,
    hs_filing_late,
)

OBJECT_TYPE = "hs_proposal"
SUMMARY_MAX = 20_000
ROSTER_FIELDS = ("name", "resident_id", "employer_name", "post", "occupation", "level",
                 "certificate_number")


def entry(trainee: HsTrainee) -> dict:
    """One trainee as the snapshot keeps them (annex 3's columns)."""
    return {"trainee_id": trainee.id, **{f: getattr(trainee, f) for f in ROSTER_FIELDS}}


def split(trainees: list[HsTrainee]) -> tuple[list[HsTrainee], list[HsTrainee], list[HsTrainee]]:
    """(passed: the roster, failed, not yet assessed)."""
    passed = [t for t in trainees if t.verdict == HsVerdict.PASS]
    failed = [t for t in trainees if t.verdict == HsVerdict.FAIL]
    return passed, failed, [t for t in trainees if t.verdict is None]


def refusals(proposal: HsProposal, today: date, unassessed: int, summary: str | None = None,
             has_file: bool = False) -> list[str]:
    """The Chinese reasons the filing cannot be made yet, each naming its rule; without
    `summary`, only what the form cannot fix (the page shows them before the form)."""
    problems = hs_completion_problems(proposal.ends_on, today, unassessed,
                                      len(summary or ""), has_file or summary is None)
    reasons = []
    if "HS-W7" in problems:
        reasons.append(f"还有 {unassessed} 名学员未完成结业考核（规则 HS-W7）")
    if today < proposal.ends_on:
        reasons.append(f"项目结束日期（{proposal.ends_on:%Y-%m-%d}）之前不能报送结业备案（规则 HS-W8）")
    elif "HS-W8" in problems:
        reasons.append(f"请填写不少于 {HS_PROJECT_SUMMARY_MIN_CHARS} 字的研修培训工作总结，"
                       "或上传总结文件（规则 HS-W8）")
    return reasons


def file_completion(actor, proposal: HsProposal, summary: str, upload, today: date) -> HsFiling:
    """HS-W7, HS-W8: file roster + summaries; the project becomes COMPLETED; audited."""
    if not can(actor, "file_completion", proposal):
        if proposal.state == ProposalState.COMPLETED:
            raise StateConflict("该项目已报送结业备案")
        raise NotAllowed("只有承办单位可以为已备案实施的研修项目报送结业备案")
    summary = (summary or "").strip()[:SUMMARY_MAX]
    trainees = list(db.session.scalars(sessions.listed(proposal.id)))
    passed, failed, unassessed = split(trainees)
    has_file = upload is not None and bool(getattr(upload, "filename", ""))
    reasons = refusals(proposal, today, len(unassessed), summary, has_file)
    if reasons:
        raise ServiceError("；".join(reasons))
    doc = None
    if has_file:
        host = db.session.get(Organisation, proposal.host_id)
        doc = documents.store(actor, upload, DocumentKind.HS_PROJECT_SUMMARY, host)
    # The one winner of two clicks (or two browsers): the state decides.
    moved = db.session.execute(
        sa.update(HsProposal)
        .where(HsProposal.id == proposal.id, HsProposal.state == ProposalState.FILED)
        .values(state=ProposalState.COMPLETED)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise StateConflict("该项目已报送结业备案")
    db.session.expire(proposal, ["state"])
    # HS-W8: attendance ends with the filing; sessions left open close now.
    db.session.execute(sa.update(ClassSession)
                       .where(ClassSession.hs_proposal_id == proposal.id,
                              ClassSession.closed_at.is_(None))
                       .values(closed_at=now_utc()).execution_options(synchronize_session=False))
    version = (db.session.scalar(sa.select(sa.func.max(HsFiling.version))
                                 .where(HsFiling.proposal_id == proposal.id)) or 0) + 1
    late = hs_filing_late(proposal.ends_on, today)
    filing = HsFiling(
        proposal_id=proposal.id, version=version, kind=FilingKind.COMPLETION, filed_on=today,
        filed_by_id=actor.id, late=late, summary=summary,
        summary_document_id=doc.id if doc else None,
        snapshot={
            "roster": [entry(t) for t in passed],
            "failed": [entry(t) for t in failed],
            "summaries": {str(t.id): t.summary_document_id for t in trainees
                          if t.summary_document_id},
            "project": {"title": proposal.title, "starts_on": proposal.starts_on.isoformat(),
                        "ends_on": proposal.ends_on.isoformat(),
                        "total_hours": proposal.total_hours,
                        "held_hours": sessions.held(proposal.id).hours},
        })
    db.session.add(filing)
    db.session.flush()
    days = hs_days_late(proposal.ends_on, today)
    audit.record(actor, OBJECT_TYPE, proposal.id, "file_completion",
                 from_state=ProposalState.FILED, to_state=ProposalState.COMPLETED,
                 comment=f"结业名册 {len(passed)} 人，不合格 {len(failed)} 人"
                         + (f"；逾期 {days} 天（规则 HS-W8）" if late else ""))
    db.session.flush()
    return filing


def completion_filing(proposal_id: int) -> HsFiling | None:
    return db.session.scalar(
        sa.select(HsFiling).where(HsFiling.proposal_id == proposal_id,
                                  HsFiling.kind == FilingKind.COMPLETION)
        .order_by(HsFiling.version.desc()).limit(1))
