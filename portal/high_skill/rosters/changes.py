"""HS-W5: a filed project changes only by a filed change, with its reason, as a new version.

A change may move the dates, the venue and the hours, replace the teachers, take trainees
off the list (removed_at; they stay for the history) and add trainees. It is filed before
the project's end date. Decisions where the policy is silent:

- before the class starts, a change that adds trainees or moves the start is filed at least
  a week before the (new) start, as the first list was (HS-W4), so every trainee is known a
  week ahead; once the class has started no trainee is added and the start stays;
- the list after the change meets the same checks as the first one: HS-E1…E3 for every added
  row, the class size of HS-P2 and the quota (a change that leaves fewer than 20 trainees is
  refused: the host files the project as it is rather than a class below the minimum);
- the end date stays in the project's year (HS-W6) and not in the past.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.clock import today
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.workflow import guarded_update
from portal.extensions import db
from portal.high_skill.rosters import accounts, checks, snapshots
from portal.high_skill.rosters.checks import TraineeData
from portal.high_skill.rosters.services import (
    NOT_OWNER,
    PROPOSAL_OBJECT,
    TRAINEE_OBJECT,
    filing_due,
    record_filing,
    size_problems,
)
from portal.models import (
    FilingKind,
    HsFiling,
    HsProposal,
    HsTeacher,
    HsTrainee,
    ProposalState,
    TeacherKind,
    TrainingMode,
)
from portal.models.base import utcnow

REASON_REQUIRED = "变更备案须说明变更理由（规则 HS-W5）"
NOTHING_CHANGED = "没有任何变更内容：请修改培训计划或增减学员后再备案"
ENDED = "项目已到结束日期，不能再变更备案（规则 HS-W5：变更须事先备案）"
STARTED_NO_ADD = "已开班，不能再新增学员，也不能修改开班日期（规则 HS-W4）"
NOT_FILED = "名单和培训计划备案后才能办理变更备案（规则 HS-W5）"
END_BEFORE_START = "结束日期不能早于开班日期"
END_IN_PAST = "结束日期不能早于今天"
REASON_MAX = 500
TEACHER_KIND_BY_TEXT = {**{k.label: k.value for k in TeacherKind},
                        **{k.value: k.value for k in TeacherKind}}


@dataclass
class ChangeRequest:
    reason: str
    plan: dict  # starts_on, ends_on (dates), mode, venue, hours_* (ints)
    teachers: list[dict]  # name, kind, title, employer, topic
    remove_ids: set[int] = field(default_factory=set)
    additions: list[TraineeData] = field(default_factory=list)


def parse_teachers(text: str) -> tuple[list[dict], list[str]]:
    """Teachers typed one a line, 姓名｜类别｜职称｜单位｜专题 (| or ｜), and the problems."""
    teachers, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        parts += [""] * (5 - len(parts))
        name, kind_text, title, employer, topic = parts[:5]
        kind = TEACHER_KIND_BY_TEXT.get(kind_text)
        if not name or len(name) > 32 or kind is None or len(parts) > 5:
            problems.append(f"授课教师第{number}行应为“姓名｜类别｜职称｜单位｜专题”，类别为："
                            + "、".join(k.label for k in TeacherKind))
            continue
        teachers.append({"name": name, "kind": kind, "title": title[:64],
                         "employer": employer[:120], "topic": topic[:200]})
    return teachers, problems


def _plan_problems(proposal: HsProposal, plan: dict, day: date, started: bool,
                   adding: bool) -> list[str]:
    problems = []
    starts_on, ends_on = plan["starts_on"], plan["ends_on"]
    if starts_on != proposal.starts_on or adding:
        if started:
            problems.append(STARTED_NO_ADD)
        elif rules.hs_list_filing_problems(day, starts_on):
            problems.append(f"新增学员或修改开班日期须在开班（{starts_on.isoformat()}）一周前备案，"
                            f"最迟 {filing_due(starts_on).isoformat()}，现已逾期。"
                            + rules.rule_message("HS-W4"))
    if ends_on < starts_on:
        problems.append(END_BEFORE_START)
    elif ends_on != proposal.ends_on and ends_on < day:
        problems.append(END_IN_PAST)
    if rules.hs_year_problems(proposal.year, ends_on):
        problems.append(rules.rule_message("HS-W6"))
    if plan["mode"] not in TrainingMode._value2member_map_:
        problems.append("研修方式不正确")
    return problems


def change_problems(proposal: HsProposal, change: ChangeRequest, day: date) -> list[str]:
    """Why `change` cannot be filed today (empty: it can)."""
    if not change.reason.strip():
        return [REASON_REQUIRED]
    if len(change.reason) > REASON_MAX:
        return [f"变更理由不超过{REASON_MAX}个字"]
    if day >= proposal.ends_on:
        return [ENDED]
    started = day >= proposal.starts_on
    problems = _plan_problems(proposal, change.plan, day, started, bool(change.additions))
    active = snapshots.active_trainees(proposal.id)
    active_ids = {t.id for t in active}
    if change.remove_ids - active_ids:
        problems.append("要移除的学员不在本项目当前名单中")
    listed = {t.resident_id for t in active}
    # Everyone ever on this list: a removed trainee keeps the row (and the unique key).
    everyone = set(db.session.scalars(
        sa.select(HsTrainee.resident_id).where(HsTrainee.proposal_id == proposal.id)))
    earlier = checks.previous_years([a.resident_id for a in change.additions], proposal.id)
    seen: set[str] = set()
    for data in change.additions:
        for problem in checks.row_problems(data, proposal, earlier.get(data.resident_id, []),
                                           day):
            problems.append(f"新增学员 {data.name or '（未填姓名）'}：{problem}")
        if data.resident_id in seen or data.resident_id in listed:
            problems.append(f"新增学员 {data.name}：{checks.DUPLICATE_IN_LIST}")
        elif data.resident_id in everyone:
            problems.append(f"新增学员 {data.name}：曾从本项目名单移除，不能再次加入")
        seen.add(data.resident_id)
    size = len(active_ids - change.remove_ids) + len(change.additions)
    problems += size_problems(proposal, size)
    return problems


def _plan_changed(proposal: HsProposal, change: ChangeRequest) -> bool:
    current = snapshots.plan_of(proposal, snapshots.teachers_of(proposal.id))
    wanted = {**change.plan, "starts_on": change.plan["starts_on"].isoformat(),
              "ends_on": change.plan["ends_on"].isoformat(), "teachers": change.teachers}
    return any(current[key] != wanted[key] for key in snapshots.PLAN_LABELS)


def file_change(actor, proposal: HsProposal, change: ChangeRequest, *,
                day: date | None = None) -> HsFiling:
    """HS-W5: the change applied and filed as version n+1, all in one transaction."""
    day = day or today()
    if not can(actor, "file_change", proposal):
        raise NotAllowed(NOT_FILED if proposal.state == ProposalState.APPROVED else NOT_OWNER)
    if not (_plan_changed(proposal, change) or change.remove_ids or change.additions):
        raise ServiceError(NOTHING_CHANGED)
    checks.lock_people(a.resident_id for a in change.additions)
    problems = change_problems(proposal, change, day)
    if problems:
        raise ServiceError("；".join(problems))
    version = proposal.filed_version + 1
    # The version is the guard: two changes filed at once cannot both become version n+1.
    guarded_update(proposal, "filed_version", proposal.filed_version,
                   {"filed_version": version, **change.plan})
    _replace_teachers(proposal, change.teachers)
    now = utcnow()
    for trainee in snapshots.active_trainees(proposal.id):
        if trainee.id in change.remove_ids:
            trainee.removed_at = now
            audit.record(actor, TRAINEE_OBJECT, trainee.id, "remove",
                         comment=f"变更备案第 {version} 版移出名单：{change.reason}")
    added = [HsTrainee(proposal_id=proposal.id, **data.values()) for data in change.additions]
    db.session.add_all(added)
    db.session.flush()
    for trainee in added:
        audit.record(actor, TRAINEE_OBJECT, trainee.id, "add",
                     comment=f"变更备案第 {version} 版加入名单")
    accounts.link_accounts(actor, added)
    if proposal.state != ProposalState.FILED:
        raise StateConflict()
    audit.record(actor, PROPOSAL_OBJECT, proposal.id, "file_change", from_state=proposal.state,
                 to_state=proposal.state, comment=f"变更备案第 {version} 版：{change.reason}")
    return record_filing(actor, proposal, FilingKind.CHANGE, version, day, change.reason.strip())


def _replace_teachers(proposal: HsProposal, teachers: list[dict]) -> None:
    current = snapshots.teachers_of(proposal.id)
    if snapshots.plan_of(proposal, current)["teachers"] == teachers:
        return
    for teacher in current:
        db.session.delete(teacher)
    db.session.add_all(HsTeacher(proposal_id=proposal.id, name=t["name"], kind=t["kind"],
                                 title=t["title"], employer=t["employer"], topic=t["topic"])
                       for t in teachers)
    db.session.flush()
