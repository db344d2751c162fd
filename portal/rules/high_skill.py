"""High-skill talent advanced training (HS): trainees, projects, filing and funding."""

from collections.abc import Mapping
from datetime import date, timedelta

from ._arith import require_non_negative
from .levels import check_level, level_at_least
from .parameters import param

# HS-E1: 技师 or above; 高级工 only for key high-end/precision/new-industry talent.
HS_MIN_LEVEL = "technician"
HS_KEY_INDUSTRY_MIN_LEVEL = "advanced"
# HS-E2: consecutive months of Beijing urban employee social insurance.
HS_MIN_INSURED_MONTHS = 12
# HS-E3: once every two years.
HS_PARTICIPATION_INTERVAL_YEARS = 2
# HS-H2: proposals per host per year.
HS_MAX_PROPOSALS_PER_YEAR = 2
# HS-P4
HS_MIN_TOTAL_HOURS = 80
HS_MIN_SEMINAR_HOURS = 16
# HS-W4: "开班前一周".
HS_LIST_FILING_LEAD_DAYS = 7
# HS-W8: "结束后两周内".
HS_FILING_WINDOW_DAYS = 14


def hs_trainee_problems(
    level: str,
    key_industry: bool,
    insured_months: int,
    previous_years: list[int],
    project_year: int,
) -> list[str]:
    """HS-E1..E3: rule IDs a trainee violates (empty = eligible)."""
    problems = []
    if not (level_at_least(level, HS_MIN_LEVEL) or hs_trainee_flagged(level, key_industry)):
        problems.append("HS-E1")
    if insured_months < HS_MIN_INSURED_MONTHS:
        problems.append("HS-E2")
    if any(abs(project_year - year) < HS_PARTICIPATION_INTERVAL_YEARS for year in previous_years):
        problems.append("HS-E3")
    return problems


def hs_trainee_flagged(level: str, key_industry: bool) -> bool:
    """HS-E1: admitted only as key-industry talent (高级工), so the roster flags the trainee."""
    check_level(level)
    return key_industry and level == HS_KEY_INDUSTRY_MIN_LEVEL


def hs_proposal_count_problems(existing_this_year: int) -> list[str]:
    """HS-H2: a host already holding 2 proposals this year may not submit another."""
    return ["HS-H2"] if existing_this_year >= HS_MAX_PROPOSALS_PER_YEAR else []


def hs_class_size_problems(size: int, *, params: Mapping[str, int] | None = None) -> list[str]:
    """HS-P2: a class has 20 to 30 trainees, bounds included."""
    within = param(params, "hs_class_min") <= size <= param(params, "hs_class_max")
    return [] if within else ["HS-P2"]


def hs_annual_cap_problems(
    already_approved: int, requested: int, *, params: Mapping[str, int] | None = None
) -> list[str]:
    """HS-P2: trainees approved this year plus those requested stay within the 800 a year."""
    require_non_negative(already_approved=already_approved, requested=requested)
    return ["HS-P2"] if already_approved + requested > param(params, "hs_annual_cap") else []


def hs_hours_problems(total_hours: int, seminar_hours: int) -> list[str]:
    """HS-P4 (guidance, 一般): ``["HS-P4"]`` below 80 hours in total or 16 of seminars and exchanges.

    A flag, not a refusal: the proposal then needs a stated reason and is shown flagged to the
    experts and the centre. Seminar hours above the total are impossible and raise ValueError.
    """
    require_non_negative(total_hours=total_hours, seminar_hours=seminar_hours)
    if seminar_hours > total_hours:
        raise ValueError(f"{seminar_hours} seminar hours are more than the {total_hours} in total")
    enough = total_hours >= HS_MIN_TOTAL_HOURS and seminar_hours >= HS_MIN_SEMINAR_HOURS
    return [] if enough else ["HS-P4"]


def hs_list_filing_problems(filed_on: date, class_starts: date) -> list[str]:
    """HS-W4: the trainee list and plan are filed at least 7 days before the class starts."""
    late = filed_on > class_starts - timedelta(days=HS_LIST_FILING_LEAD_DAYS)
    return ["HS-W4"] if late else []


def hs_year_problems(project_year: int, end_date: date) -> list[str]:
    """HS-W6: a project ends within its own year (不得跨年度)."""
    return [] if end_date.year == project_year else ["HS-W6"]


def hs_filing_deadline(ended_on: date) -> date:
    """HS-W8: last day for filing the summary, roster and trainees' summaries."""
    return ended_on + timedelta(days=HS_FILING_WINDOW_DAYS)


def hs_filing_late(ended_on: date, filed_on: date) -> bool:
    """HS-W8: filed more than 14 days after the project ended."""
    return filed_on > hs_filing_deadline(ended_on)


def hs_funding(roster_size: int, *, params: Mapping[str, int] | None = None) -> int:
    """HS-$1: funding paid to the host, yuan per trainee on the filed roster."""
    require_non_negative(roster_size=roster_size)
    return roster_size * param(params, "hs_funding_per_trainee")


# --- HS-W3 expert review, rubric and quotas (issue 13, review) ---------------------------

# HS-W3: a criterion is scored in whole points, 0 to 100; the weights are percent.
HS_SCORE_MIN = 0
HS_SCORE_MAX = 100
HS_RUBRIC_TOTAL_WEIGHT = 100


def hs_rubric_problems(weights: list[int]) -> list[str]:
    """HS-W3: the active criteria's weights (whole percent, each 1..100) sum to exactly 100."""
    valid = bool(weights) and all(0 < w <= HS_RUBRIC_TOTAL_WEIGHT for w in weights)
    return [] if valid and sum(weights) == HS_RUBRIC_TOTAL_WEIGHT else ["HS-W3"]


def hs_score_problems(scores: list[int]) -> list[str]:
    """HS-W3: every criterion's score is a whole number from 0 to 100."""
    within = all(HS_SCORE_MIN <= s <= HS_SCORE_MAX for s in scores)
    return [] if within else ["HS-W3"]


def hs_weighted_total(scores: Mapping[str, int], weights: Mapping[str, int]) -> int:
    """HS-W3: an expert's total = Σ score × weight / 100, rounded half up to whole points.

    Integer arithmetic (no float): with weights summing to 100 the total stays within 0..100.
    Every weighted criterion needs a score; a score for an unknown criterion is an error.
    """
    if set(scores) != set(weights):
        raise ValueError(f"scores for {sorted(scores)} do not match criteria {sorted(weights)}")
    weighted = sum(scores[key] * weights[key] for key in weights)
    return (weighted + HS_RUBRIC_TOTAL_WEIGHT // 2) // HS_RUBRIC_TOTAL_WEIGHT


def hs_score_spread(totals: list[int]) -> tuple[float | None, int | None]:
    """HS-W3: (mean, spread = highest − lowest) of the experts' totals; (None, None) if none.

    The mean is shown with one decimal; nothing is paid from it, so a float is harmless.
    """
    if not totals:
        return None, None
    return round(sum(totals) / len(totals), 1), max(totals) - min(totals)


def hs_quota_problems(quota: int, planned_trainees: int, *,
                      params: Mapping[str, int] | None = None) -> list[str]:
    """HS-P2, HS-W3: a project's quota (研修人数) is at least one class (20) and at most the
    trainees its proposal plans; zero or less is never a quota."""
    problems = []
    if 0 < quota < param(params, "hs_class_min"):
        problems.append("HS-P2")
    if quota <= 0 or quota > planned_trainees:
        problems.append("HS-W3")
    return problems


def hs_conflict_of_interest(expert_org_id: int | None, host_id: int) -> bool:
    """HS-W3: an expert who belongs to the host organisation may not review its proposal."""
    return expert_org_id is not None and expert_org_id == host_id


# --- Proposals (issue 13, helper 2: portal/high_skill/proposals) ---------------------------


def hs_dates_problems(project_year: int, starts_on: date, ends_on: date) -> list[str]:
    """HS-W6: a project both starts and ends within its own year (不得跨年度);
    ``hs_year_problems`` covers the end alone, a start in the year before would slip by."""
    inside = starts_on.year == project_year and not hs_year_problems(project_year, ends_on)
    return [] if inside else ["HS-W6"]


def hs_occupation_problems(occupations: list[str]) -> list[str]:
    """HS-P1: a project names one occupation (工种) or several related ones; none is refused."""
    return [] if any(o.strip() for o in occupations) else ["HS-P1"]


# --- Calls and hosts (HS-W1, HS-H1): issue 13, calls/hosts area ----------------------------

HS_CALL_QUARTERS = (1, 2, 3, 4)
# A call may be prepared for next year (a fourth-quarter call for the coming year), no further.
HS_CALL_YEARS_AHEAD = 1
# HS-H1 names who may host; "等" keeps it open to other independent legal persons with training
# conditions, but the portal offers exactly these (models.high_skill.HostType mirrors them).
HS_HOST_TYPES = ("enterprise", "university", "research_institute", "technician_college")
HS_HOST_ORG_KINDS = ("enterprise", "institution", "host")


def hs_call_problems(year: int, quarter: int, opens_on: date, closes_on: date,
                     today: date) -> list[tuple[str, str]]:
    """HS-W1: what is wrong with a call's year, quarter and dates, as (field, reason) pairs.

    A call belongs to this year or the next (never a past year), to a quarter 1–4, closes on or
    after it opens and has not closed already, and closes within its own year (the projects it
    calls for end within the year, HS-W6). The reasons name HS-W1 for the user.
    """
    tag = "（规则 HS-W1）"
    found = []
    if year < today.year:
        found.append(("year", f"不能发布往年的征集{tag}"))
    elif year > today.year + HS_CALL_YEARS_AHEAD:
        found.append(("year", f"年度须为今年或明年{tag}"))
    if quarter not in HS_CALL_QUARTERS:
        found.append(("quarter", f"季度须为1至4{tag}"))
    if closes_on < opens_on:
        found.append(("closes_on", f"截止日期不能早于开始日期{tag}"))
    elif closes_on < today:
        found.append(("closes_on", f"截止日期已过{tag}"))
    elif closes_on.year > year:
        found.append(("closes_on", f"截止日期须在征集年度之内{tag}"))
    return found


def hs_call_open(opens_on: date, closes_on: date, on: date) -> bool:
    """HS-W1, HS-W2: a call takes proposals from its opening day through its closing day."""
    return opens_on <= on <= closes_on


def hs_host_problems(org_kind: str, host_type: str | None,
                     independent_legal_person: bool) -> list[str]:
    """HS-H1: the organisation is of a kind that may host and an independent legal person.

    An enterprise registered with its credit code is a legal person; an institution attests
    it (AP-I1); any other host states its type and attests it at registration.
    """
    if org_kind not in HS_HOST_ORG_KINDS:
        return ["HS-H1"]
    if org_kind == "enterprise":
        return []
    if org_kind == "host" and host_type not in HS_HOST_TYPES:
        return ["HS-H1"]
    return [] if independent_legal_person else ["HS-H1"]


# --- Funding, certificates and checks (issue 13, helper 6: HS-W9, HS-$1, HS-$2) ------------

HS_FUNDING_SOURCE = "employment_fund"  # HS 第十七条: 就业补助资金 (see AP-$5)


def hs_funding_source_for(amount: int) -> list[tuple[str, int]]:
    """HS-$1, AP-$5: high-skill funding is paid from the employment subsidy fund alone (the
    special-account-first order of AP-$5 is the apprenticeship's); nothing for a zero amount."""
    require_non_negative(amount=amount)
    return [(HS_FUNDING_SOURCE, amount)] if amount > 0 else []


def hs_claim_problems(*, roster_filed: bool, roster_size: int,
                      host_disqualified: bool) -> list[str]:
    """HS-$1, HS-$2: a funding claim needs a filed completion roster with someone on it, and
    a host that has not been disqualified for fraud."""
    require_non_negative(roster_size=roster_size)
    problems = []
    if not roster_filed or roster_size == 0:
        problems.append("HS-$1")
    if host_disqualified:
        problems.append("HS-$2")
    return problems


# --- Delivery and completion (HS-P4, HS-P5, HS-W7, HS-W8): issue 13, delivery -------------

# HS-P4: a session's format, keyed like the proposal's planned hours (hours_<key>).
HS_SESSION_FORMATS: Mapping[str, str] = {
    "onsite": "现场教学", "keynote": "专题讲座", "seminar": "研讨",
    "exchange": "技艺交流", "visit": "参观考察", "online": "线上学习",
}
# HS-W7 (annex 2, our design): the four criteria, each 合格 (1) / 不合格 (0).
HS_ASSESSMENT_CRITERIA: Mapping[str, str] = {
    "attendance": "出勤情况", "attitude": "学习态度",
    "participation": "交流研讨", "summary": "工作总结",
}
# HS-W7: the attendance criterion is pre-filled 合格 from this share of the hours held (the
# annex is omitted; 80 % matches AP-P4's alert line). Not a RULES.md parameter.
HS_MIN_ATTENDANCE_PERCENT = 80
# HS-W8: the worklist shows a filing this many days before its deadline.
HS_FILING_WARNING_DAYS = 7
# HS-W8: the project summary (研修培训工作总结) as text has at least this many characters,
# unless a file of it is attached.
HS_PROJECT_SUMMARY_MIN_CHARS = 50


def hs_attendance_percent(attended_hours: int, held_hours: int) -> int:
    """HS-W7: whole percent of the hours held that a trainee attended (0 when none held)."""
    require_non_negative(attended_hours=attended_hours, held_hours=held_hours)
    return attended_hours * 100 // held_hours if held_hours else 0


def hs_attendance_passes(attended_hours: int, held_hours: int) -> bool:
    """HS-W7: attendance is 合格 at 80 % of the hours held or more (nothing held: not yet)."""
    require_non_negative(attended_hours=attended_hours, held_hours=held_hours)
    return held_hours > 0 and attended_hours * 100 >= HS_MIN_ATTENDANCE_PERCENT * held_hours


def hs_verdict(scores: Mapping[str, int | None], has_summary: bool) -> str | None:
    """HS-W7, HS-P5: "pass" only if all four criteria are 合格 and a work summary was handed
    in (it is the main basis of the assessment); None while a criterion is unscored."""
    values = [scores.get(key) for key in HS_ASSESSMENT_CRITERIA]
    if any(v is None for v in values):
        return None
    if any(v not in (0, 1) for v in values):
        raise ValueError(f"criteria are 0 or 1, not {values}")
    return "pass" if all(values) and has_summary else "fail"


def hs_assessment_open(ends_on: date, today: date, held_hours: int, planned_hours: int) -> bool:
    """HS-W7: "at the end": from the project's end date, or earlier once the hours held reach
    the planned total (the last session is over)."""
    return today >= ends_on or (planned_hours > 0 and held_hours >= planned_hours)


def hs_completion_problems(ends_on: date, filed_on: date, unassessed: int,
                           summary_chars: int, summary_file: bool) -> list[str]:
    """HS-W7, HS-W8: why the completion filing cannot be made yet (empty = it can).

    HS-W7: every trainee on the list is assessed; HS-W8: not before the project ends, and with
    the project summary (text of enough length or a file). Lateness is a flag, not a refusal.
    """
    require_non_negative(unassessed=unassessed, summary_chars=summary_chars)
    problems = []
    if unassessed:
        problems.append("HS-W7")
    if filed_on < ends_on or not (summary_file or summary_chars >= HS_PROJECT_SUMMARY_MIN_CHARS):
        problems.append("HS-W8")
    return problems


def hs_filing_watch_cutoff(today: date) -> date:
    """HS-W8: projects that ended on or before this day have their filing due within 7 days
    or overdue (deadline = end + 14 days ≤ today + 7)."""
    return today + timedelta(days=HS_FILING_WARNING_DAYS - HS_FILING_WINDOW_DAYS)


def hs_days_late(ended_on: date, filed_on: date) -> int:
    """HS-W8: days after the deadline a filing came (0 if in time)."""
    return max(0, (filed_on - hs_filing_deadline(ended_on)).days)


def hs_gender(resident_id: str) -> str:
    """HS-W8, C-ID1: annex 3's 性别, read from the resident ID (17th digit odd 男, even 女)."""
    digit = resident_id[16:17]
    if not digit.isdigit():
        return ""
    return "男" if int(digit) % 2 else "女"


# --- trainee lists and filed versions (issue 13, rosters) ------------------------------------


def hs_list_filing_due(class_starts: date) -> date:
    """HS-W4: the last day the trainee list and plan may be filed (a week before the start)."""
    return class_starts - timedelta(days=HS_LIST_FILING_LEAD_DAYS)


# --- HS-$1 base (lead) ---------------------------------------------------------------------


def hs_funding_headcount(roster_size: int, listed_size: int, *,
                         params: Mapping[str, int] | None = None) -> int:
    """HS-$1: the trainees paid for: the filed completion roster, or (parameter
    ``hs_funding_on_roster`` = 0) the filed trainee list, as RULES.md leaves to the centre."""
    require_non_negative(roster_size=roster_size, listed_size=listed_size)
    return roster_size if param(params, "hs_funding_on_roster") else listed_size


def hs_list_filing_deadline(starts_on: date) -> date:
    """HS-W4: last day for filing the trainee list and plan (a week before the start)."""
    return starts_on - timedelta(days=HS_LIST_FILING_LEAD_DAYS)


def hs_list_filing_watch_cutoff(today: date) -> date:
    """HS-W4: unfiled projects starting on or before this day have their list filing due
    within 7 days or overdue (deadline = start − 7 ≤ today + 7)."""
    return today + timedelta(days=HS_FILING_WARNING_DAYS + HS_LIST_FILING_LEAD_DAYS)
