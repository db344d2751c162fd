"""HS-W2: a host's implementation plan from draft to submission, and its withdrawal.

Saving a draft checks only what the form cannot (the call, the host, the direction); the
rules of the plan itself (HS-P1…P4, HS-H3, HS-W6) are checked by the form as the host types
and again, all of them, on submission, with HS-H2 decided by a guarded counter.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from portal import clock, rules
from portal.catalogue.parameters import parameters_on
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.core.workflow import Transition, Workflow
from portal.extensions import db
from portal.high_skill.access import is_host_user
from portal.high_skill.calls import services as calls
from portal.models import (
    COUNTED_PROPOSAL_STATES,
    HsCall,
    HsHostYear,
    HsProposal,
    HsTeacher,
    Organisation,
    ProposalState,
    TeacherKind,
    TrainingMode,
)
from portal.rules import high_skill as hs

OBJECT_TYPE = "hs_proposal"

# HS-P4: the formats of 第九条, in its order.
HOURS_LABELS = {
    "hours_onsite": "现场教学",
    "hours_keynote": "主题报告",
    "hours_seminar": "专题研讨",
    "hours_exchange": "技艺交流",
    "hours_visit": "参观考察",
    "hours_online": "“互联网+”线上学习",
}
HOURS_FIELDS = tuple(HOURS_LABELS)
# Every annex-1 field the host writes (the call, host and year are fixed at creation).
PLAN_FIELDS = ("title", "direction", "occupations", "objectives", "content_new",
               "content_problems", "mode", *HOURS_FIELDS, "hours_reason", "planned_trainees",
               "class_size", "starts_on", "ends_on", "venue", "attests_no_subcontracting")
TEACHER_FIELDS = ("name", "kind", "title", "employer", "topic")

S = ProposalState
WORKFLOW = Workflow(OBJECT_TYPE, (
    Transition("submit", (S.DRAFT,), S.SUBMITTED, "submit", stamps=("submitted_at",),
               conflict="该实施方案已提交，不能重复提交"),
    Transition("withdraw", (S.SUBMITTED,), S.WITHDRAWN, "withdraw",
               refusal="专家已开始评审，不能撤回该实施方案",
               conflict="该实施方案已不在待评审状态，不能撤回"),
))

HOST_REFUSED = "只有承办单位可以申报研修项目"
DIRECTION_REFUSED = "请选择征集通知所列的专业方向（规则 HS-W1）"


# ------------------------------------------------------------------------- call and host


def _require_open(user, call: HsCall) -> Organisation:
    """HS-W2, HS-H1, HS-$2: the acting host's organisation, if it may reply to `call` today
    (the call and host checks are the calls domain's, shared with its own pages)."""
    if not is_host_user(user):
        raise NotAllowed(HOST_REFUSED)
    if not calls.call_is_open(call, clock.today()):
        raise ServiceError(f"该征集通知的申报期为 {call.opens_on} 至 {call.closes_on}，"
                           f"当前不在申报期内（规则 HS-W2）")
    org = db.session.get(Organisation, user.org_id)
    calls.check_host(org)
    return org


# ------------------------------------------------------------------------- the plan's rules


@dataclass(frozen=True)
class HoursCheck:
    """HS-P4 as the form and the detail page show it."""

    total: int
    seminar_exchange: int
    flagged: bool  # below the guidance: a reason is needed, experts and centre see a flag
    impossible: bool  # seminar and exchange hours above the total


def hours_check(hours: dict) -> HoursCheck:
    """HS-P4 on the hours by format (missing or junk values count as 0 for the live view)."""
    values = {name: hours.get(name) for name in HOURS_FIELDS}
    numbers = {k: v if isinstance(v, int) else 0 for k, v in values.items()}
    total = sum(numbers.values())
    seminar = numbers["hours_seminar"] + numbers["hours_exchange"]
    try:
        flagged = bool(hs.hs_hours_problems(max(total, 0), max(seminar, 0)))
    except ValueError:
        return HoursCheck(total, seminar, False, True)
    return HoursCheck(total, seminar, flagged, False)


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def plan_problems(data: dict, year: int, on: date) -> list[str]:
    """HS-H3, HS-P1, HS-P2, HS-P3, HS-P4, HS-W6: the rule IDs the plan breaks, in catalogue
    order (the form puts each on its field, submission refuses them all)."""
    params = parameters_on(on)
    problems = []
    if not data.get("attests_no_subcontracting"):
        problems.append("HS-H3")
    problems += hs.hs_occupation_problems(lines(data.get("occupations")))
    size = data.get("class_size")
    problems += hs.hs_class_size_problems(size if isinstance(size, int) else 0, params=params)
    planned = data.get("planned_trainees")
    if isinstance(planned, int) and planned >= 0:
        problems += hs.hs_annual_cap_problems(0, planned, params=params)
    if not (data.get("content_new") or "").strip():
        problems.append("HS-P3")
    check = hours_check(data)
    if check.impossible or (check.flagged and not (data.get("hours_reason") or "").strip()):
        problems.append("HS-P4")
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if isinstance(starts, date) and isinstance(ends, date):
        problems += hs.hs_dates_problems(year, starts, ends)
    return rules.in_catalogue_order(problems)


def submission_problems(proposal: HsProposal, teachers: list, on: date) -> list[str]:
    """HS-H3, HS-P1…P4, HS-W6 of a stored plan; HS-P3 also wants at least one teacher."""
    problems = plan_problems(data_of(proposal), proposal.year, on)
    if not teachers:
        problems = rules.in_catalogue_order([*problems, "HS-P3"])
    return problems


def annex_context(proposal: HsProposal) -> dict:
    """Everything the annex-1 macro (`high_skill/proposals/_annex.html`), the print view and
    the export show of a proposal loaded with its call and host (review pages reuse it)."""
    return {"p": proposal, "call": proposal.call, "host": proposal.host,
            "teachers": teachers_of(proposal.id), "hours": hours_check(data_of(proposal)),
            "hours_labels": HOURS_LABELS}


def data_of(proposal: HsProposal) -> dict:
    data = {name: getattr(proposal, name) for name in PLAN_FIELDS}
    data["mode"] = proposal.mode.value
    return data


# ------------------------------------------------------------------------- drafts


def _apply(proposal: HsProposal, call: HsCall, data: dict) -> None:
    if call.direction_list and data.get("direction") not in call.direction_list:
        raise ServiceError(DIRECTION_REFUSED)
    for name in PLAN_FIELDS:
        if name in data:
            setattr(proposal, name, data[name])
    proposal.mode = TrainingMode(data.get("mode") or TrainingMode.FULL_TIME)
    proposal.attests_no_subcontracting = bool(data.get("attests_no_subcontracting"))
    if proposal.ends_on < proposal.starts_on:
        raise ServiceError("结束日期不能早于开始日期")


def create_draft(user, call: HsCall, data: dict) -> HsProposal:
    """HS-W2: a draft reply to an open call, for the host's own organisation."""
    org = _require_open(user, call)
    proposal = HsProposal(call_id=call.id, host_id=org.id, year=call.year,
                          state=ProposalState.DRAFT)
    _apply(proposal, call, data)
    db.session.add(proposal)
    db.session.flush()
    audit.record(user, OBJECT_TYPE, proposal.id, "create", to_state=ProposalState.DRAFT)
    return proposal


def update_draft(user, proposal: HsProposal, data: dict) -> HsProposal:
    """HS-W2: the host edits its draft (a submitted plan is the experts' to read)."""
    if not can(user, "edit", proposal):
        raise NotAllowed("该实施方案已提交，不能修改")
    _apply(proposal, db.session.get(HsCall, proposal.call_id), data)
    db.session.flush()
    return proposal


def add_teacher(user, proposal: HsProposal, data: dict) -> HsTeacher:
    """HS-P3: a teacher row of the plan (name, kind, title, employer, topic)."""
    if not can(user, "edit", proposal):
        raise NotAllowed("该实施方案已提交，不能修改授课教师")
    values = {name: (data.get(name) or "").strip() for name in TEACHER_FIELDS}
    if not values["name"]:
        raise ServiceError("请填写教师姓名")
    teacher = HsTeacher(proposal_id=proposal.id, **{**values, "kind": TeacherKind(values["kind"])})
    db.session.add(teacher)
    db.session.flush()
    return teacher


def remove_teacher(user, proposal: HsProposal, teacher_id: int) -> None:
    if not can(user, "edit", proposal):
        raise NotAllowed("该实施方案已提交，不能修改授课教师")
    db.session.execute(sa.delete(HsTeacher).where(HsTeacher.id == teacher_id,
                                                  HsTeacher.proposal_id == proposal.id))
    db.session.flush()


def teachers_of(proposal_id: int) -> list[HsTeacher]:
    return list(db.session.scalars(sa.select(HsTeacher).where(HsTeacher.proposal_id == proposal_id)
                                   .order_by(HsTeacher.id)))


# ------------------------------------------------------------------------- HS-H2 counter


def _insert_ignore():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(HsHostYear.__table__)


def _count_in(host_id: int, year: int) -> None:
    """HS-H2: take one of the host's proposals of `year`, or refuse; race-safe.

    The counter row is created on first use from the proposals already counted (so rows
    made without it are not forgotten); a concurrent creator makes the insert do nothing.
    The guarded UPDATE then decides: on PostgreSQL a second submitter waits for the first's
    commit and re-reads the raised count, so of two tabs taking the last place one wins.
    """
    counted = (sa.select(sa.literal(host_id), sa.literal(year), sa.func.count())
               .select_from(HsProposal)
               .where(HsProposal.host_id == host_id, HsProposal.year == year,
                      HsProposal.state.in_(COUNTED_PROPOSAL_STATES)))
    db.session.execute(_insert_ignore().from_select(["host_id", "year", "submitted"], counted)
                       .on_conflict_do_nothing())
    taken = db.session.execute(
        sa.update(HsHostYear)
        .where(HsHostYear.host_id == host_id, HsHostYear.year == year,
               HsHostYear.submitted + 1 <= hs.HS_MAX_PROPOSALS_PER_YEAR)
        .values(submitted=HsHostYear.submitted + 1)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise rules.RuleViolation("HS-H2")


def _count_out(host_id: int, year: int) -> None:
    """HS-H2: a withdrawn proposal frees its place (WITHDRAWN is not a counted state)."""
    db.session.execute(
        sa.update(HsHostYear)
        .where(HsHostYear.host_id == host_id, HsHostYear.year == year, HsHostYear.submitted > 0)
        .values(submitted=HsHostYear.submitted - 1)
        .execution_options(synchronize_session=False))


def submitted_this_year(host_id: int, year: int) -> int:
    """HS-H2: the host's counted proposals of `year`, as the form shows them."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(HsProposal)
        .where(HsProposal.host_id == host_id, HsProposal.year == year,
               HsProposal.state.in_(COUNTED_PROPOSAL_STATES))) or 0


# ------------------------------------------------------------------------- transitions


def submit(user, proposal: HsProposal) -> HsProposal:
    """HS-W2 draft → submitted: the call is open, the host may host, the plan keeps every
    rule (HS-H3, HS-P1…P4, HS-W6) and the host has a place left this year (HS-H2)."""
    WORKFLOW.check(user, proposal, "submit")
    _require_open(user, db.session.get(HsCall, proposal.call_id))
    today = clock.today()
    problems = submission_problems(proposal, teachers_of(proposal.id), today)
    if problems:
        raise rules.RuleViolation(problems, params=parameters_on(today))
    _count_in(proposal.host_id, proposal.year)
    WORKFLOW.apply(user, proposal, "submit")
    return proposal


def withdraw(user, proposal: HsProposal, comment: str = "") -> HsProposal:
    """HS-H2: a submitted proposal withdrawn before the experts score it frees its place."""
    WORKFLOW.apply(user, proposal, "withdraw", comment)
    _count_out(proposal.host_id, proposal.year)
    return proposal
