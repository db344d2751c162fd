"""The trainee list of an approved project (HS-E1…E3, C-ID1, C-ID3) and its filing with the
plan (HS-W4, HS-P2): one function per state change, each audited, flushed, never committed.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal import rules
from portal.clock import today
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.workflow import Transition, Workflow
from portal.extensions import db
from portal.high_skill.rosters import accounts, checks, snapshots
from portal.high_skill.rosters.checks import TraineeData
from portal.models import FilingKind, HsFiling, HsProposal, HsTrainee, ProposalState
from portal.rules.high_skill import hs_list_filing_due

PROPOSAL_OBJECT = "hs_proposal"
TRAINEE_OBJECT = "hs_trainee"
ALREADY_FILED = "名单和培训计划已备案"
FILED_LIST_LOCKED = ("名单和培训计划已备案，不能直接修改：请提交变更备案并说明理由。"
                     + rules.rule_message("HS-W5"))
NOT_OWNER = "只有承办单位可以办理本项目的学员名单"
NOT_APPROVED = "项目立项（核定研修人数）后才能填报学员名单（规则 HS-W3）"

WORKFLOW = Workflow(PROPOSAL_OBJECT, [
    Transition("file_list", (ProposalState.APPROVED,), ProposalState.FILED, "file_list",
               refusal=NOT_OWNER, conflict=ALREADY_FILED),
])


def filing_due(starts_on: date) -> date:
    """HS-W4: the last day the list and plan may be filed (a week before the start)."""
    return hs_list_filing_due(starts_on)


def late_message(starts_on: date) -> str:
    """HS-W4: the refusal, with the day the filing was due."""
    return (f"开班日期为 {starts_on.isoformat()}，学员名单和培训计划最迟应于 "
            f"{filing_due(starts_on).isoformat()} 备案，现已逾期，不能备案。"
            + rules.rule_message("HS-W4"))


def require_editable(actor, proposal: HsProposal) -> None:
    if can(actor, "edit_trainees", proposal):
        return
    if proposal.state in checks.FILED_STATES:
        raise ServiceError(FILED_LIST_LOCKED)
    if proposal.state != ProposalState.APPROVED:
        raise NotAllowed(NOT_APPROVED)
    raise NotAllowed(NOT_OWNER)


# --------------------------------------------------------------------------- one trainee


def trainee_problems(proposal: HsProposal, data: TraineeData, *, day: date | None = None,
                     exclude_id: int | None = None) -> list[str]:
    """Every problem of `data` as a row of `proposal`'s list, including a duplicate."""
    earlier = checks.previous_years([data.resident_id], proposal.id).get(data.resident_id, [])
    problems = checks.row_problems(data, proposal, earlier, day)
    taken = db.session.scalar(
        sa.select(HsTrainee.id).where(HsTrainee.proposal_id == proposal.id,
                                      HsTrainee.resident_id == data.resident_id,
                                      HsTrainee.id != (exclude_id or 0)))
    if taken:
        problems.append(checks.DUPLICATE_IN_LIST)
    return problems


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ServiceError("；".join(problems))


def add_trainee(actor, proposal: HsProposal, data: TraineeData, *,
                day: date | None = None) -> HsTrainee:
    """HS-W4: a trainee on the (not yet filed) list, checked HS-E1…E3, C-ID1, C-ID3."""
    require_editable(actor, proposal)
    _refuse(trainee_problems(proposal, data, day=day))
    trainee = HsTrainee(proposal_id=proposal.id, **data.values())
    db.session.add(trainee)
    flush_unique()
    audit.record(actor, TRAINEE_OBJECT, trainee.id, "add",
                 comment=f"加入项目 {proposal.id} 的学员名单")
    db.session.flush()
    return trainee


def update_trainee(actor, trainee: HsTrainee, data: TraineeData, *,
                   day: date | None = None) -> HsTrainee:
    proposal = db.session.get(HsProposal, trainee.proposal_id)
    require_editable(actor, proposal)
    _refuse(trainee_problems(proposal, data, day=day, exclude_id=trainee.id))
    for key, value in data.values().items():
        setattr(trainee, key, value)
    flush_unique()
    audit.record(actor, TRAINEE_OBJECT, trainee.id, "update", comment="修改学员信息")
    db.session.flush()
    return trainee


def remove_trainee(actor, trainee: HsTrainee) -> None:
    """Before filing a row is simply taken off (nothing was filed about it yet)."""
    proposal = db.session.get(HsProposal, trainee.proposal_id)
    require_editable(actor, proposal)
    audit.record(actor, TRAINEE_OBJECT, trainee.id, "delete",
                 comment=f"从项目 {proposal.id} 的学员名单删除（备案前）")
    db.session.delete(trainee)
    db.session.flush()


def flush_unique() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as err:  # the same person added a moment ago in another tab
        raise ServiceError(checks.DUPLICATE_IN_LIST) from err


# --------------------------------------------------------------------------- the whole list


def list_problems(proposal: HsProposal, trainees: list[HsTrainee],
                  day: date | None = None) -> dict[int, list[str]]:
    """Trainee id → its problems now (HS-E3 may have appeared since it was entered)."""
    earlier = checks.previous_years([t.resident_id for t in trainees], proposal.id)
    return {t.id: checks.row_problems(checks.data_of(t), proposal,
                                      earlier.get(t.resident_id, []), day)
            for t in trainees}


def size_problems(proposal: HsProposal, size: int) -> list[str]:
    """HS-P2 class size and the project's quota (HS-W4), as messages."""
    problems = []
    if rules.hs_class_size_problems(size):
        problems.append(f"名单共 {size} 人。" + rules.rule_message("HS-P2"))
    if proposal.quota is not None and size > proposal.quota:
        problems.append(f"名单共 {size} 人，超过核定研修人数 {proposal.quota} 人。"
                        + rules.rule_message("HS-W4"))
    return problems


def filing_problems(proposal: HsProposal, trainees: list[HsTrainee], day: date) -> list[str]:
    """Why the list and plan cannot be filed today (empty: it can)."""
    problems = size_problems(proposal, len(trainees))
    wrong = [t for t, found in zip(trainees, list_problems(proposal, trainees, day).values(),
                                   strict=True) if found]
    if wrong:
        names = "、".join(t.name for t in wrong[:5]) + ("等" if len(wrong) > 5 else "")
        problems.append(f"{len(wrong)} 名学员不符合条件（{names}），请修改或删除后再备案")
    if rules.hs_list_filing_problems(day, proposal.starts_on):
        problems.append(late_message(proposal.starts_on))
    return problems


def file_list(actor, proposal: HsProposal, *, day: date | None = None) -> HsFiling:
    """HS-W4: APPROVED → FILED with version 1 of the list and plan; trainees get accounts."""
    day = day or today()
    WORKFLOW.check(actor, proposal, "file_list")
    trainees = snapshots.active_trainees(proposal.id)
    checks.lock_people(t.resident_id for t in trainees)
    _refuse(filing_problems(proposal, trainees, day))
    WORKFLOW.apply(actor, proposal, "file_list", comment=f"备案学员名单（{len(trainees)} 人）和培训计划",
                   values={"filed_version": 1})
    accounts.link_accounts(actor, trainees)
    return record_filing(actor, proposal, FilingKind.LIST_AND_PLAN, 1, day)


def record_filing(actor, proposal: HsProposal, kind: FilingKind, version: int, day: date,
                  reason: str = "") -> HsFiling:
    filing = HsFiling(proposal_id=proposal.id, version=version, kind=kind, filed_on=day,
                      filed_by_id=actor.id, reason=reason, snapshot=snapshots.snapshot(proposal))
    db.session.add(filing)
    try:
        db.session.flush()
    except IntegrityError as err:  # the version's unique key: someone filed it first
        raise StateConflict() from err
    return filing
