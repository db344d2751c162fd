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
