"""HS-W1, HS-H1 pure rules: a call's year, quarter and dates; who may host."""

from datetime import date

import pytest

from portal.models import HostType
from portal.rules.high_skill import (
    HS_HOST_TYPES,
    hs_call_open,
    hs_call_problems,
    hs_host_problems,
)

TODAY = date(2026, 6, 15)


def fields(problems) -> list[str]:
    return [field for field, _reason in problems]


def test_HS_W1_a_call_of_this_year_within_its_year_is_fine():
    assert hs_call_problems(2026, 2, date(2026, 6, 1), date(2026, 6, 30), TODAY) == []


def test_HS_W1_a_call_for_next_year_may_be_prepared():
    assert hs_call_problems(2027, 1, date(2026, 12, 1), date(2027, 1, 31), TODAY) == []


@pytest.mark.parametrize("year, quarter, opens, closes, wrong", [
    (2025, 4, date(2026, 6, 1), date(2026, 6, 30), ["year", "closes_on"]),  # a past year
    (2028, 1, date(2026, 6, 1), date(2026, 6, 30), ["year"]),  # too far ahead
    (2026, 0, date(2026, 6, 1), date(2026, 6, 30), ["quarter"]),
    (2026, 5, date(2026, 6, 1), date(2026, 6, 30), ["quarter"]),
    (2026, 2, date(2026, 6, 30), date(2026, 6, 1), ["closes_on"]),  # closes before it opens
    (2026, 2, date(2026, 5, 1), date(2026, 6, 14), ["closes_on"]),  # closed yesterday
    (2026, 4, date(2026, 12, 1), date(2027, 1, 10), ["closes_on"]),  # runs into next year
    (2025, 9, date(2026, 6, 30), date(2026, 6, 1), ["year", "quarter", "closes_on"]),
])
def test_HS_W1_bad_year_quarter_or_dates_refused(year, quarter, opens, closes, wrong):
    problems = hs_call_problems(year, quarter, opens, closes, TODAY)
    assert fields(problems) == wrong
    assert all("HS-W1" in reason for _field, reason in problems)


def test_HS_W1_closing_before_opening_says_so():
    [(_field, reason)] = hs_call_problems(2026, 2, date(2026, 6, 30), date(2026, 6, 20), TODAY)
    assert "截止日期不能早于开始日期" in reason


@pytest.mark.parametrize("on, is_open", [
    (date(2026, 5, 31), False), (date(2026, 6, 1), True), (date(2026, 6, 30), True),
    (date(2026, 7, 1), False),
])
def test_HS_W1_open_from_opening_day_through_closing_day(on, is_open):
    assert hs_call_open(date(2026, 6, 1), date(2026, 6, 30), on) is is_open


def test_HS_H1_host_types_mirror_the_model():
    assert set(HS_HOST_TYPES) == {t.value for t in HostType}


@pytest.mark.parametrize("kind, host_type, legal_person, expected", [
    ("enterprise", None, False, []),
    ("institution", None, True, []),
    ("institution", None, False, ["HS-H1"]),
    ("host", "university", True, []),
    ("host", "research_institute", True, []),
    ("host", "university", False, ["HS-H1"]),
    ("host", None, True, ["HS-H1"]),
    ("host", "village_committee", True, ["HS-H1"]),
    ("district", None, True, ["HS-H1"]),
])
def test_HS_H1_who_may_host(kind, host_type, legal_person, expected):
    assert hs_host_problems(kind, host_type, legal_person) == expected
