"""The proposal rules, pure (no app): HS-W6 start and end within the year, HS-P1 at least
one occupation, HS-P4's live arithmetic (total, seminars and exchanges, flag, impossible)."""

from datetime import date

import pytest

from portal.high_skill.proposals.services import hours_check
from portal.rules.high_skill import hs_dates_problems, hs_occupation_problems


@pytest.mark.parametrize("starts, ends, problems", [
    (date(2026, 1, 1), date(2026, 12, 31), []),
    (date(2026, 6, 1), date(2027, 1, 1), ["HS-W6"]),  # ends in the next year
    (date(2025, 12, 31), date(2026, 3, 1), ["HS-W6"]),  # starts in the year before
    (date(2027, 1, 5), date(2027, 2, 1), ["HS-W6"]),  # wholly in another year
])
def test_HS_W6_project_starts_and_ends_within_its_year(starts, ends, problems):
    assert hs_dates_problems(2026, starts, ends) == problems


@pytest.mark.parametrize("occupations, problems", [
    (["6-18-01-01 车工"], []),
    (["车工", "铣工"], []),
    ([], ["HS-P1"]),
    (["  ", ""], ["HS-P1"]),
])
def test_HS_P1_at_least_one_occupation(occupations, problems):
    assert hs_occupation_problems(occupations) == problems


def _hours(onsite=0, keynote=0, seminar=0, exchange=0, visit=0, online=0) -> dict:
    return {"hours_onsite": onsite, "hours_keynote": keynote, "hours_seminar": seminar,
            "hours_exchange": exchange, "hours_visit": visit, "hours_online": online}


@pytest.mark.parametrize("hours, total, seminar, flagged", [
    (_hours(onsite=64, seminar=16), 80, 16, False),  # exactly the guidance
    (_hours(onsite=64, seminar=15), 79, 15, True),  # below 80 in total
    (_hours(onsite=90, seminar=10, exchange=5), 105, 15, True),  # below 16 of seminars
    (_hours(onsite=50, keynote=10, seminar=8, exchange=8, visit=2, online=2), 80, 16, False),
])
def test_HS_P4_totals_and_flag(hours, total, seminar, flagged):
    check = hours_check(hours)
    assert (check.total, check.seminar_exchange, check.flagged, check.impossible) == (
        total, seminar, flagged, False)


def test_HS_P4_seminar_hours_above_the_total_is_an_error_not_a_flag():
    check = hours_check(_hours(onsite=-40, seminar=20, exchange=10))
    assert check.impossible and not check.flagged


def test_HS_P4_half_typed_hours_count_as_zero():
    check = hours_check({"hours_onsite": 40, "hours_seminar": None})
    assert (check.total, check.seminar_exchange, check.flagged) == (40, 0, True)
