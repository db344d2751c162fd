"""Enterprise new-apprenticeship programme (AP): eligibility, training plan, mentors, supervision.

The subsidy rules (AP-$*) are in ``subsidy.py``.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from numbers import Real
from types import MappingProxyType

from ._arith import floor_div, require_non_negative, round_half_up
from .levels import (
    HOURS_PER_CREDIT,
    MAX_DURATION_YEARS,
    MIN_TRAINABLE_LEVEL,
    check_level,
    level_at_least,
    required_credits,
    standard_duration_years,
)
from .parameters import param

# AP-E1: minimum labour-contract term.
MIN_CONTRACT_YEARS = 1
# AP-E7: 劳动法 第十五条 forbids employing anyone younger, on the contract start date.
MIN_AGE_YEARS = 16

# AP-E3
HIRE_TYPES = MappingProxyType(
    {"new_hire": "新招用", "transfer": "转岗", "designated": "企业自主确定"}
)

# AP-I1
INSTITUTION_TYPES = MappingProxyType(
    {
        "technical_school": "技工院校",
        "vocational_college": "职业院校",
        "private": "民办培训机构",
        "enterprise_centre": "企业培训中心",
    }
)

# AP-N4
ENTERPRISE_SIZES = MappingProxyType(
    {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
)
_MAY_ENTRUST_SIZES = frozenset({"medium", "small", "micro"})  # 中小微

# AP-C2
DELIVERY_MODES = MappingProxyType(
    {"face_to_face": "集中面授", "online": "网络教育", "on_the_job": "岗位指导"}
)

# AP-C1: 通用素质 : 专业理论 : 技能实训, guidance only.
COURSE_RATIO = (1, 3, 6)
COURSE_RATIO_TOLERANCE_PCT = 5

# AP-M2 / AP-M3
MENTOR_MIN_PRACTICE_YEARS = 1
TEACHER_MIN_TEACHING_YEARS = 2
MENTOR_MIN_SKILL_LEVEL = "advanced"  # 高级工及以上

# AP-T1: apprentices trained in the 14th Five-Year Plan period.
APPRENTICE_TARGET = 30_000

_MONTHS_PER_YEAR = 12


# --- Who may take part (AP-E*, AP-N*, AP-I*) ---------------------------------------------


def _anniversary(start: date, years: int) -> date:
    """AP-E1: the date ``years`` after ``start``."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        # 29 February: the anniversary in a common year is 1 March.
        return date(start.year + years, 3, 1)


def contract_covers_one_year(start: date, end: date | None) -> bool:
    """AP-E1: the contract runs at least a year; ``end`` is inclusive, None = open-ended."""
    if end is None:
        return True
    if end < start:
        return False
    return end >= _anniversary(start, MIN_CONTRACT_YEARS) - timedelta(days=1)


def contract_in_force(contract_end: date | None, on: date) -> bool:
    """AP-E1: the contract has not ended before the registration day ``on``."""
    return contract_end is None or contract_end >= on


def contract_ends_before(contract_end: date | None, planned_end: date) -> bool:
    """AP-E1: a contract ending before the programme's planned end: a warning, not a refusal."""
    return contract_end is not None and contract_end < planned_end


def old_enough(birth_date: date, contract_start: date) -> bool:
    """AP-E7: at least MIN_AGE_YEARS old on the contract start date."""
    return _anniversary(birth_date, MIN_AGE_YEARS) <= contract_start


def apprentice_eligibility_problems(
    level: str,
    contract_start: date,
    contract_end: date | None,
    insured_in_beijing: bool,
    hire_type: str,
    on: date | None = None,
    birth_date: date | None = None,
) -> list[str]:
    """AP-E1..E4, AP-E7: rule IDs an apprentice registration violates (empty = eligible).

    ``on`` is the registration day (AP-E1: the contract must be in force on it);
    ``birth_date`` given, AP-E7 checks the age on ``contract_start``.
    """
    check_level(level)
    problems = []
    if not contract_covers_one_year(contract_start, contract_end) or (
        on is not None and not contract_in_force(contract_end, on)
    ):
        problems.append("AP-E1")
    if not insured_in_beijing:
        problems.append("AP-E2")
    if hire_type not in HIRE_TYPES:
        problems.append("AP-E3")
    if not level_at_least(level, MIN_TRAINABLE_LEVEL):
        problems.append("AP-E4")
    if birth_date is not None and not old_enough(birth_date, contract_start):
        problems.append("AP-E7")
    return problems


def wage_problems(monthly_wage: int, *, params: Mapping[str, int] | None = None) -> list[str]:
    """AP-E6: pay during training below Beijing's minimum monthly wage."""
    return ["AP-E6"] if monthly_wage < param(params, "min_monthly_wage") else []


def delivery_mode_problems(modes) -> list[str]:
    """AP-C2: at least one delivery mode, each one of face-to-face, online, on-the-job."""
    modes = list(modes)
    return ["AP-C2"] if not modes or any(m not in DELIVERY_MODES for m in modes) else []


def occupation_problems(prohibited: bool) -> list[str]:
    """AP-N2: the occupation is in the prohibited and restricted new-industry catalogue."""
    return ["AP-N2"] if prohibited else []


def may_entrust(size: str, *, few_trainee_subsidiary: bool = False) -> bool:
    """AP-N4: 中小微 enterprises (and subsidiaries with few trainees) may entrust training."""
    if size not in ENTERPRISE_SIZES:
        raise ValueError(f"unknown enterprise size: {size!r}")
    return size in _MAY_ENTRUST_SIZES or few_trainee_subsidiary


def licence_problems(
    covers_occupation: bool,
    licence_valid_from: date,
    licence_valid_to: date | None,
    period_start: date,
    period_end: date,
) -> list[str]:
    """AP-I2: the licence must cover the occupation and the whole period (dates inclusive, None = no expiry)."""
    if period_end < period_start:
        raise ValueError("period_end is before period_start")
    valid_throughout = licence_valid_from <= period_start and (
        licence_valid_to is None or licence_valid_to >= period_end
    )
    return [] if covers_occupation and valid_throughout else ["AP-I2"]


# --- Training content, duration and credits (AP-C*) ---------------------------------------


def course_ratio_shares(
    general_hours: Real, theory_hours: Real, practice_hours: Real
) -> tuple[int, int, int]:
    """AP-C1: each part's share of the hours in whole percent (all 0 when there are no hours)."""
    require_non_negative(
        general_hours=general_hours, theory_hours=theory_hours, practice_hours=practice_hours
    )
    parts = (general_hours, theory_hours, practice_hours)
    total = sum(parts)
    if total == 0:
        return (0, 0, 0)
    general, theory, practice = (round_half_up(part * 100, total) for part in parts)
    return general, theory, practice


def course_ratio_warnings(
    general_hours: Real, theory_hours: Real, practice_hours: Real
) -> list[str]:
    """AP-C1: ``["AP-C1"]`` when a part strays more than 5 points from 1:3:6 or there are no hours."""
    require_non_negative(
        general_hours=general_hours, theory_hours=theory_hours, practice_hours=practice_hours
    )
    parts = (general_hours, theory_hours, practice_hours)
    total = sum(parts)
    if total == 0:
        return ["AP-C1"]
    ratio_total = sum(COURSE_RATIO)
    # |part/total - r/ratio_total| > tolerance/100, multiplied out to stay exact.
    for part, share in zip(parts, COURSE_RATIO, strict=True):
        deviation = abs(part * ratio_total - share * total) * 100
        if deviation > COURSE_RATIO_TOLERANCE_PCT * total * ratio_total:
            return ["AP-C1"]
    return []


def programme_duration_problems(
    level: str, duration_months: int, extension_reason: str | None
) -> list[str]:
    """AP-C3: refused over 3 years, or off the standard length without a stated reason.

    The standard length is guidance (``duration_warnings``): any other length is accepted once
    a reason is given, and flagged to the reviewer; only the 3-year ceiling is absolute.
    """
    if not level_at_least(level, MIN_TRAINABLE_LEVEL):
        return ["AP-E4"]
    if duration_limit_problems(duration_months):
        return ["AP-C3"]
    unexplained = not (extension_reason or "").strip()
    return ["AP-C3"] if duration_warnings(level, duration_months) and unexplained else []


def credits_for_hours(hours: Real) -> float:
    """AP-C4: credits earned for class hours (1 credit = 10 hours)."""
    return hours / HOURS_PER_CREDIT


def training_complete(level: str, centralised_hours: Real, on_job_hours: Real) -> bool:
    """AP-C4: centralised plus on-the-job credits reach the level's requirement."""
    required_hours = required_credits(level) * HOURS_PER_CREDIT
    require_non_negative(centralised_hours=centralised_hours, on_job_hours=on_job_hours)
    return centralised_hours + on_job_hours >= required_hours


def credit_progress_pct(level: str, total_hours: Real) -> int:
    """AP-C4: share of the required credits earned, whole percent rounded down, capped at 100.

    Rounded down so that 100 % is shown only when training is complete.
    """
    required_hours = required_credits(level) * HOURS_PER_CREDIT
    require_non_negative(total_hours=total_hours)
    return min(100, floor_div(total_hours * 100, required_hours))


def duration_warnings(level: str, duration_months: int) -> list[str]:
    """AP-C3 (guidance, 原则上): ``["AP-C3"]`` when a plan is not the level's standard length.

    中级 1 year, 高级 and above 2; a shorter (弹性学制) or longer plan needs a stated reason
    and is flagged to the reviewer, never refused for its length alone.
    """
    standard = standard_duration_years(level) * _MONTHS_PER_YEAR
    return [] if duration_months == standard else ["AP-C3"]


def duration_limit_problems(duration_months: int) -> list[str]:
    """AP-C3 (hard limit): ``["AP-C3"]`` beyond 3 years, extensions included (最长可延长至3年)."""
    return ["AP-C3"] if duration_months > MAX_DURATION_YEARS * _MONTHS_PER_YEAR else []


# --- Mentors (AP-M*) ---------------------------------------------------------------------


def _skilled_or_titled(skill_level: str | None, has_mid_title: bool) -> bool:
    """AP-M2, AP-M3: 高级工 or above, or an intermediate professional title."""
    skilled = skill_level is not None and level_at_least(skill_level, MENTOR_MIN_SKILL_LEVEL)
    return skilled or has_mid_title


def enterprise_mentor_problems(
    can_guide_practice: bool,
    years_practice: int,
    skill_level: str | None,
    has_mid_title: bool,
    is_backbone: bool,
    attests_ethics: bool,
) -> list[str]:
    """AP-M2, AP-M4: an enterprise mentor guides practice and meets one qualification; attests ethics."""
    qualified = (
        years_practice >= MENTOR_MIN_PRACTICE_YEARS
        or _skilled_or_titled(skill_level, has_mid_title)
        or is_backbone
    )
    problems = []
    if not (can_guide_practice and qualified):
        problems.append("AP-M2")
    if not attests_ethics:
        problems.append("AP-M4")
    return problems


def institution_teacher_problems(
    has_teaching_experience: bool,
    integrated_or_dual: bool,
    years_teaching: int,
    skill_level: str | None,
    has_mid_title: bool,
    attests_ethics: bool,
) -> list[str]:
    """AP-M3, AP-M4: an institution teacher has teaching experience and one qualification; attests ethics."""
    qualified = (
        integrated_or_dual
        or years_teaching >= TEACHER_MIN_TEACHING_YEARS
        or _skilled_or_titled(skill_level, has_mid_title)
    )
    problems = []
    if not (has_teaching_experience and qualified):
        problems.append("AP-M3")
    if not attests_ethics:
        problems.append("AP-M4")
    return problems


# --- Process management (AP-P4) ----------------------------------------------------------


def _rate_pct(part: int, whole: int) -> int | None:
    """AP-P4: part of whole in whole percent, half up; None when the whole is 0."""
    require_non_negative(part=part, whole=whole)
    if part > whole:
        raise ValueError(f"{part} out of {whole} is more than the whole")
    return None if whole == 0 else round_half_up(part * 100, whole)


def attendance_rate_pct(attended: int, expected: int) -> int | None:
    """AP-P4: 出勤率 in whole percent (half up), None when nothing was expected yet."""
    return _rate_pct(attended, expected)


def attrition_rate_pct(withdrawn: int, enrolled: int) -> int | None:
    """AP-P4: 流失率 = withdrawn ÷ enrolled in whole percent (half up), None with no enrolment."""
    return _rate_pct(withdrawn, enrolled)


def programme_alerts(
    attendance_pct: int | None,
    attrition_pct: int | None,
    *,
    params: Mapping[str, int] | None = None,
) -> list[str]:
    """AP-P4: ``["AP-P4"]`` when attendance is below or attrition above its threshold (None = no data)."""
    low_attendance = attendance_pct is not None and attendance_pct < param(
        params, "attendance_alert_below_pct"
    )
    high_attrition = attrition_pct is not None and attrition_pct > param(
        params, "attrition_alert_above_pct"
    )
    return ["AP-P4"] if low_attendance or high_attrition else []


def alert_cross_multipliers(params: Mapping[str, int] | None = None) -> tuple[int, int]:
    """AP-P4 for a database: `programme_alerts` on the half-up percentages, in integers.

    With (a, b) returned: attendance alerts iff 200·attended < a·expected (expected > 0),
    attrition alerts iff 200·withdrawn ≥ b·enrolled (enrolled > 0). Half up, the percentage
    is ⌊(200·p + w) / 2w⌋, so "below T" is 200·p < (2T − 1)·w and "above T" is
    200·p ≥ (2T + 1)·w: the same answers, without a second copy of the rounding in SQL.
    """
    return alert_factors(param(params, "attendance_alert_below_pct"),
                         param(params, "attrition_alert_above_pct"))


def alert_factors(below, above):
    """AP-P4: (a, b) of `alert_cross_multipliers` from the two thresholds; plain arithmetic,
    so the thresholds may be numbers or a database's expressions for the values in force."""
    return 2 * below - 1, 2 * above + 1


# AP-T1: the 14th Five-Year Plan period of APPRENTICE_TARGET (3万人次, established enrolments).
APPRENTICE_TARGET_YEARS = (2021, 2025)


def apprentice_target_progress(established_by_year: Mapping[int, int]) -> tuple[int, int, int]:
    """AP-T1: (counted, target, percent) toward 30,000 apprentice-times (人次) in 2021–2025.

    `established_by_year` maps the year an enrolment's student record was established to the
    number of such enrolments: an apprentice enrolled twice counts twice (人次, not people);
    years outside the plan period do not count. The percent is whole, rounded down, at most 100.
    """
    first, last = APPRENTICE_TARGET_YEARS
    counted = sum(n for year, n in established_by_year.items() if first <= year <= last)
    return counted, APPRENTICE_TARGET, min(100, counted * 100 // APPRENTICE_TARGET)
