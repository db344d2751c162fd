from datetime import date

import pytest

from portal.rules import (
    hs_annual_cap_problems,
    hs_class_size_problems,
    hs_filing_late,
    hs_funding,
    hs_hours_problems,
    hs_list_filing_problems,
    hs_proposal_count_problems,
    hs_trainee_flagged,
    hs_trainee_problems,
    hs_year_problems,
)

D = date


@pytest.mark.parametrize(
    ("level", "key_industry", "problems"),
    [
        ("technician", False, []),
        ("senior_technician", False, []),
        ("technician", True, []),
        ("advanced", True, []),  # 高级工 only as key-industry talent
        ("advanced", False, ["HS-E1"]),
        ("intermediate", True, ["HS-E1"]),
        ("primary", True, ["HS-E1"]),
    ],
)
def test_HS_E1_level(level, key_industry, problems):
    assert hs_trainee_problems(level, key_industry, 12, [], 2025) == problems


@pytest.mark.parametrize(
    ("level", "key_industry", "flagged"),
    [("advanced", True, True), ("technician", True, False), ("advanced", False, False)],
)
def test_HS_E1_key_industry_admission_is_flagged(level, key_industry, flagged):
    assert hs_trainee_flagged(level, key_industry) is flagged


@pytest.mark.parametrize(
    ("months", "problems"), [(12, []), (11, ["HS-E2"]), (60, []), (0, ["HS-E2"])]
)
def test_HS_E2_twelve_months_insured(months, problems):
    assert hs_trainee_problems("technician", False, months, [], 2025) == problems


@pytest.mark.parametrize(
    ("previous", "problems"),
    [
        ([], []),
        ([2023], []),  # two years apart
        ([2024], ["HS-E3"]),
        ([2025], ["HS-E3"]),  # a second project in the same year
        ([2026], ["HS-E3"]),  # already on a later roster
        ([2027, 2019], []),
        ([2019, 2021, 2024], ["HS-E3"]),
    ],
)
def test_HS_E3_once_every_two_years(previous, problems):
    assert hs_trainee_problems("technician", False, 24, previous, 2025) == problems


def test_HS_E1_E3_problems_in_catalogue_order():
    assert hs_trainee_problems("intermediate", False, 3, [2024], 2025) == [
        "HS-E1",
        "HS-E2",
        "HS-E3",
    ]


@pytest.mark.parametrize(
    ("existing", "problems"), [(0, []), (1, []), (2, ["HS-H2"]), (5, ["HS-H2"])]
)
def test_HS_H2_at_most_two_proposals_a_year(existing, problems):
    assert hs_proposal_count_problems(existing) == problems


@pytest.mark.parametrize(
    ("size", "problems"),
    [(19, ["HS-P2"]), (20, []), (25, []), (30, []), (31, ["HS-P2"]), (0, ["HS-P2"])],
)
def test_HS_P2_class_size_20_to_30(size, problems):
    assert hs_class_size_problems(size) == problems


def test_HS_P2_class_size_parameters_override_defaults():
    params = {"hs_class_min": 15, "hs_class_max": 40}
    assert hs_class_size_problems(15, params=params) == []
    assert hs_class_size_problems(40, params=params) == []
    assert hs_class_size_problems(41, params=params) == ["HS-P2"]


@pytest.mark.parametrize(
    ("approved", "requested", "params", "problems"),
    [
        (770, 30, None, []),
        (771, 30, None, ["HS-P2"]),
        (0, 800, None, []),
        (800, 1, None, ["HS-P2"]),
        (800, 100, {"hs_annual_cap": 900}, []),
    ],
)
def test_HS_P2_annual_cap_800(approved, requested, params, problems):
    assert hs_annual_cap_problems(approved, requested, params=params) == problems


@pytest.mark.parametrize(
    ("total", "seminar", "problems"),
    [
        (80, 16, []),
        (79, 16, ["HS-P4"]),
        (80, 15, ["HS-P4"]),
        (120, 40, []),
        (0, 0, ["HS-P4"]),
        (40, 40, ["HS-P4"]),
    ],
)
def test_HS_P4_80_hours_16_of_seminars_is_guidance(total, seminar, problems):
    # Guidance (一般): the ID flags the proposal for a stated reason; it is not a refusal.
    assert hs_hours_problems(total, seminar) == problems


@pytest.mark.parametrize(("total", "seminar"), [(80, 81), (0, 1), (-1, 0), (80, -1)])
def test_HS_P4_seminars_beyond_the_total_are_an_error(total, seminar):
    # Seminars are part of the total: more of them than the total is not a plan at all.
    with pytest.raises(ValueError):
        hs_hours_problems(total, seminar)


@pytest.mark.parametrize(
    ("filed_on", "problems"),
    [
        (D(2025, 6, 1), []),
        (D(2025, 6, 3), []),  # exactly a week before
        (D(2025, 6, 4), ["HS-W4"]),
        (D(2025, 6, 10), ["HS-W4"]),
    ],
)
def test_HS_W4_list_filed_a_week_before_class(filed_on, problems):
    assert hs_list_filing_problems(filed_on, D(2025, 6, 10)) == problems


@pytest.mark.parametrize(
    ("end", "problems"),
    [
        (D(2025, 12, 31), []),
        (D(2025, 1, 1), []),
        (D(2026, 1, 1), ["HS-W6"]),
        (D(2024, 12, 31), ["HS-W6"]),
    ],
)
def test_HS_W6_project_ends_within_its_year(end, problems):
    assert hs_year_problems(2025, end) == problems


@pytest.mark.parametrize(
    ("filed_on", "late"),
    [(D(2025, 11, 10), False), (D(2025, 11, 24), False), (D(2025, 11, 25), True)],
)
def test_HS_W8_filing_within_two_weeks(filed_on, late):
    assert hs_filing_late(D(2025, 11, 10), filed_on) is late


@pytest.mark.parametrize(
    ("roster", "params", "amount"),
    [(30, None, 150000), (0, None, 0), (20, {"hs_funding_per_trainee": 6000}, 120000)],
)
def test_HS_subsidy_1_funding_per_trainee(roster, params, amount):
    """HS-$1: 5000 yuan per trainee on the filed roster."""
    assert hs_funding(roster, params=params) == amount


def test_HS_subsidy_1_negative_roster_raises():
    """HS-$1: a roster cannot have a negative size."""
    with pytest.raises(ValueError):
        hs_funding(-1)
