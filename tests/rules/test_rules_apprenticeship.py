from datetime import date

import pytest

from portal.rules import (
    ENTERPRISE_SIZES,
    HIRE_TYPES,
    INSTITUTION_TYPES,
    apprentice_eligibility_problems,
    attendance_rate_pct,
    attrition_rate_pct,
    contract_covers_one_year,
    enterprise_mentor_problems,
    institution_teacher_problems,
    licence_problems,
    may_entrust,
    occupation_problems,
    programme_alerts,
    wage_problems,
)

D = date


@pytest.mark.parametrize(
    ("start", "end", "covers"),
    [
        (D(2025, 3, 1), D(2026, 2, 28), True),  # RULES.md: one year, end inclusive
        (D(2025, 3, 1), D(2026, 2, 27), False),  # RULES.md: one day short
        (D(2025, 3, 1), D(2028, 2, 29), True),
        (D(2025, 3, 1), None, True),  # open-ended
        (D(2024, 2, 29), D(2025, 2, 28), True),  # anniversary of 29 Feb is 1 March
        (D(2024, 2, 29), D(2025, 2, 27), False),
        (D(2023, 3, 1), D(2024, 2, 29), True),  # a span over a leap day
        (D(2023, 3, 1), D(2024, 2, 28), False),
        (D(2025, 1, 1), D(2025, 12, 31), True),
        (D(2025, 1, 1), D(2025, 12, 30), False),
        (D(2025, 3, 1), D(2025, 3, 1), False),
        (D(2025, 3, 1), D(2024, 3, 1), False),  # ends before it starts
    ],
)
def test_AP_E1_contract_covers_one_year_end_inclusive(start, end, covers):
    assert contract_covers_one_year(start, end) is covers


def _eligibility(**overrides):
    args = {
        "level": "intermediate",
        "contract_start": D(2025, 3, 1),
        "contract_end": D(2026, 2, 28),
        "insured_in_beijing": True,
        "hire_type": "new_hire",
    }
    args.update(overrides)
    return apprentice_eligibility_problems(**args)


@pytest.mark.parametrize("hire_type", ["new_hire", "transfer", "designated"])
@pytest.mark.parametrize("level", ["intermediate", "advanced", "technician", "senior_technician"])
def test_AP_E1_E4_eligible_apprentice_has_no_problems(hire_type, level):
    assert _eligibility(hire_type=hire_type, level=level) == []


@pytest.mark.parametrize(
    ("overrides", "problems"),
    [
        ({"contract_end": D(2026, 2, 27)}, ["AP-E1"]),
        ({"contract_end": None}, []),
        ({"insured_in_beijing": False}, ["AP-E2"]),
        ({"hire_type": "dispatched"}, ["AP-E3"]),
        ({"hire_type": ""}, ["AP-E3"]),
        ({"level": "primary"}, ["AP-E4"]),
        (
            {
                "level": "primary",
                "hire_type": "other",
                "insured_in_beijing": False,
                "contract_end": D(2025, 2, 1),
            },
            ["AP-E1", "AP-E2", "AP-E3", "AP-E4"],
        ),
        ({"insured_in_beijing": False, "contract_end": D(2025, 6, 30)}, ["AP-E1", "AP-E2"]),
    ],
)
def test_AP_E1_E4_problems_in_catalogue_order(overrides, problems):
    assert _eligibility(**overrides) == problems


def test_AP_E3_hire_types_have_chinese_labels():
    assert dict(HIRE_TYPES) == {
        "new_hire": "新招用",
        "transfer": "转岗",
        "designated": "企业自主确定",
    }


@pytest.mark.parametrize(
    ("wage", "params", "problems"),
    [
        (2540, None, []),
        (2539, None, ["AP-E6"]),
        (8000, None, []),
        (2539, {"min_monthly_wage": 2420}, []),
        (2600, {"min_monthly_wage": 2700}, ["AP-E6"]),
    ],
)
def test_AP_E6_wage_at_least_minimum(wage, params, problems):
    assert wage_problems(wage, params=params) == problems


def test_AP_N2_prohibited_occupation_refused():
    assert occupation_problems(True) == ["AP-N2"]
    assert occupation_problems(False) == []


@pytest.mark.parametrize(
    ("size", "few_trainee_subsidiary", "allowed"),
    [
        ("large", False, False),
        ("large", True, True),
        ("medium", False, True),
        ("small", False, True),
        ("micro", False, True),
    ],
)
def test_AP_N4_who_may_entrust(size, few_trainee_subsidiary, allowed):
    assert may_entrust(size, few_trainee_subsidiary=few_trainee_subsidiary) is allowed


def test_AP_N4_unknown_size_raises():
    assert list(ENTERPRISE_SIZES.values()) == ["大型", "中型", "小型", "微型"]
    with pytest.raises(ValueError):
        may_entrust("huge")


def test_AP_I1_institution_types():
    assert dict(INSTITUTION_TYPES) == {
        "technical_school": "技工院校",
        "vocational_college": "职业院校",
        "private": "民办培训机构",
        "enterprise_centre": "企业培训中心",
    }


PERIOD = (D(2025, 3, 1), D(2027, 2, 28))


@pytest.mark.parametrize(
    ("covers", "valid_from", "valid_to", "problems"),
    [
        (True, D(2020, 1, 1), None, []),
        (True, D(2025, 3, 1), D(2027, 2, 28), []),  # exactly the period, both ends inclusive
        (True, D(2025, 3, 2), D(2030, 1, 1), ["AP-I2"]),  # starts a day late
        (True, D(2020, 1, 1), D(2027, 2, 27), ["AP-I2"]),  # expires a day early
        (False, D(2020, 1, 1), None, ["AP-I2"]),  # scope does not cover the occupation
    ],
)
def test_AP_I2_licence_covers_occupation_and_period(covers, valid_from, valid_to, problems):
    assert licence_problems(covers, valid_from, valid_to, *PERIOD) == problems


def test_AP_I2_period_ending_before_it_starts_raises():
    with pytest.raises(ValueError):
        licence_problems(True, D(2020, 1, 1), None, D(2026, 1, 1), D(2025, 1, 1))


@pytest.mark.parametrize(
    ("guides", "years", "skill", "title", "backbone", "ethics", "problems"),
    [
        (True, 1, None, False, False, True, []),
        (True, 0, "advanced", False, False, True, []),
        (True, 0, "senior_technician", False, False, True, []),
        (True, 0, "intermediate", False, False, True, ["AP-M2"]),
        (True, 0, None, True, False, True, []),
        (True, 0, None, False, True, True, []),
        (True, 0, None, False, False, True, ["AP-M2"]),
        (False, 10, "technician", True, True, True, ["AP-M2"]),  # cannot guide practice
        (True, 5, None, False, False, False, ["AP-M4"]),
        (False, 0, None, False, False, False, ["AP-M2", "AP-M4"]),
    ],
)
def test_AP_M2_AP_M4_enterprise_mentor(guides, years, skill, title, backbone, ethics, problems):
    assert enterprise_mentor_problems(guides, years, skill, title, backbone, ethics) == problems


@pytest.mark.parametrize(
    ("experience", "integrated", "years", "skill", "title", "ethics", "problems"),
    [
        (True, True, 0, None, False, True, []),
        (True, False, 2, None, False, True, []),
        (True, False, 1, None, False, True, ["AP-M3"]),
        (True, False, 0, "advanced", False, True, []),
        (True, False, 0, "intermediate", False, True, ["AP-M3"]),
        (True, False, 0, None, True, True, []),
        (False, True, 5, "technician", True, True, ["AP-M3"]),  # no teaching experience
        (True, True, 0, None, False, False, ["AP-M4"]),
        (False, False, 0, None, False, False, ["AP-M3", "AP-M4"]),
    ],
)
def test_AP_M3_AP_M4_institution_teacher(
    experience, integrated, years, skill, title, ethics, problems
):
    assert (
        institution_teacher_problems(experience, integrated, years, skill, title, ethics)
        == problems
    )


@pytest.mark.parametrize(
    ("attended", "expected", "pct"),
    [(80, 100, 80), (0, 0, None), (2, 3, 67), (1, 8, 13), (199, 200, 100), (1, 200, 1), (0, 5, 0)],
)
def test_AP_P4_attendance_rate_rounds_half_up(attended, expected, pct):
    assert attendance_rate_pct(attended, expected) == pct


@pytest.mark.parametrize(
    ("withdrawn", "enrolled", "pct"),
    [(1, 5, 20), (0, 0, None), (1, 3, 33), (1, 40, 3), (3, 3, 100)],
)
def test_AP_P4_attrition_rate(withdrawn, enrolled, pct):
    assert attrition_rate_pct(withdrawn, enrolled) == pct


@pytest.mark.parametrize(("part", "whole"), [(-1, 5), (1, -5), (6, 5)])
def test_AP_P4_impossible_counts_raise(part, whole):
    with pytest.raises(ValueError):
        attendance_rate_pct(part, whole)
    with pytest.raises(ValueError):
        attrition_rate_pct(part, whole)


@pytest.mark.parametrize(
    ("attendance", "attrition", "params", "alerts"),
    [
        (80, 20, None, []),  # both exactly on the threshold
        (79, 20, None, ["AP-P4"]),
        (80, 21, None, ["AP-P4"]),
        (50, 60, None, ["AP-P4"]),
        (None, None, None, []),
        (None, 21, None, ["AP-P4"]),
        (85, None, {"attendance_alert_below_pct": 90}, ["AP-P4"]),
        (79, 25, {"attendance_alert_below_pct": 70, "attrition_alert_above_pct": 30}, []),
    ],
)
def test_AP_P4_programme_alerts(attendance, attrition, params, alerts):
    assert programme_alerts(attendance, attrition, params=params) == alerts
