from datetime import date

import pytest

import portal.rules as rules
from portal.rules import (
    LEVEL_LABELS,
    LEVELS,
    MAX_DURATION_YEARS,
    TRAINABLE_LEVELS,
    level_at_least,
    required_credits,
    standard_duration_years,
)

UNKNOWN_LEVELS = ["", "Intermediate", "中级", "expert", 3]


def test_AP_E4_levels_in_order_with_chinese_labels():
    assert LEVELS == ("primary", "intermediate", "advanced", "technician", "senior_technician")
    assert [LEVEL_LABELS[level] for level in LEVELS] == ["初级", "中级", "高级", "技师", "高级技师"]
    assert TRAINABLE_LEVELS == ("intermediate", "advanced", "technician", "senior_technician")


@pytest.mark.parametrize(
    ("level", "minimum", "expected"),
    [
        ("intermediate", "intermediate", True),
        ("advanced", "intermediate", True),
        ("primary", "intermediate", False),
        ("advanced", "technician", False),
        ("senior_technician", "technician", True),
    ],
)
def test_AP_E4_level_at_least(level, minimum, expected):
    assert level_at_least(level, minimum) is expected


@pytest.mark.parametrize("level", UNKNOWN_LEVELS)
def test_AP_E4_level_at_least_unknown_level_raises(level):
    with pytest.raises(ValueError):
        level_at_least(level, "advanced")
    with pytest.raises(ValueError):
        level_at_least("advanced", level)


@pytest.mark.parametrize(
    ("level", "years", "credits"),
    [
        ("intermediate", 1, 40),
        ("advanced", 2, 80),
        ("technician", 2, 80),
        ("senior_technician", 2, 80),
    ],
)
def test_AP_C3_AP_C4_duration_and_credits_by_level(level, years, credits):
    assert standard_duration_years(level) == years
    assert required_credits(level) == credits


MONTHS = 12


@pytest.mark.parametrize(
    ("level", "months", "warnings"),
    [
        ("intermediate", 1 * MONTHS, []),
        ("intermediate", 6, ["AP-C3"]),  # 弹性学制: shorter is allowed in principle
        ("intermediate", 2 * MONTHS, ["AP-C3"]),
        ("advanced", 2 * MONTHS, []),
        ("advanced", 1 * MONTHS, ["AP-C3"]),
        ("senior_technician", MAX_DURATION_YEARS * MONTHS, ["AP-C3"]),
    ],
)
def test_AP_C3_standard_length_is_guidance(level, months, warnings):
    assert rules.duration_warnings(level, months) == warnings


@pytest.mark.parametrize(
    ("months", "problems"),
    [(1, []), (MAX_DURATION_YEARS * MONTHS, []), (MAX_DURATION_YEARS * MONTHS + 1, ["AP-C3"])],
)
def test_AP_C3_three_years_is_the_hard_limit(months, problems):
    assert rules.duration_limit_problems(months) == problems


@pytest.mark.parametrize(
    ("level", "months", "reason", "problems"),
    [
        ("intermediate", 6, "弹性学制，已有基础可提前修满学分", []),
        ("intermediate", 6, "", ["AP-C3"]),
        ("intermediate", 6, "  ", ["AP-C3"]),
        ("advanced", 1 * MONTHS, "企业生产周期", []),
        ("advanced", 2 * MONTHS, "", []),
        ("advanced", MAX_DURATION_YEARS * MONTHS + 1, "设备改造", ["AP-C3"]),
    ],
)
def test_AP_C3_other_length_needs_a_reason_three_years_never(level, months, reason, problems):
    assert rules.programme_duration_problems(level, months, reason) == problems
    assert MAX_DURATION_YEARS == 3


# Every public function that takes a level, called with that level and otherwise valid args.
LEVEL_TAKERS = {
    "standard_duration_years": lambda lv: rules.standard_duration_years(lv),
    "required_credits": lambda lv: rules.required_credits(lv),
    "training_complete": lambda lv: rules.training_complete(lv, 400, 400),
    "credit_progress_pct": lambda lv: rules.credit_progress_pct(lv, 400),
    "subsidy_standard": lambda lv: rules.subsidy_standard(lv, True),
    "subsidised_years": lambda lv: rules.subsidised_years(lv),
    "subsidy_prepayment": lambda lv: rules.subsidy_prepayment(lv, False),
    "subsidy_entitlement": lambda lv: rules.subsidy_entitlement(lv, False, True, True, True),
    "subsidy_remainder": lambda lv: rules.subsidy_remainder(lv, True, False, False, False),
    "apprentice_eligibility_problems": lambda lv: rules.apprentice_eligibility_problems(
        lv, date(2025, 3, 1), None, True, "new_hire"
    ),
    "programme_duration_problems": lambda lv: rules.programme_duration_problems(lv, 24, "x"),
    "duration_warnings": lambda lv: rules.duration_warnings(lv, 24),
    "hs_trainee_problems": lambda lv: rules.hs_trainee_problems(lv, True, 12, [], 2025),
    "hs_trainee_flagged": lambda lv: rules.hs_trainee_flagged(lv, True),
    "enterprise_mentor_problems": lambda lv: rules.enterprise_mentor_problems(
        True, 0, lv, False, False, True
    ),
    "institution_teacher_problems": lambda lv: rules.institution_teacher_problems(
        True, False, 0, lv, False, True
    ),
}

AMOUNT_FUNCTIONS = [
    "standard_duration_years",
    "duration_warnings",
    "required_credits",
    "training_complete",
    "credit_progress_pct",
    "subsidy_standard",
    "subsidised_years",
    "subsidy_prepayment",
    "subsidy_entitlement",
    "subsidy_remainder",
]


@pytest.mark.parametrize("name", sorted(LEVEL_TAKERS))
@pytest.mark.parametrize("level", UNKNOWN_LEVELS)
def test_AP_E4_HS_E1_unknown_level_raises_everywhere(name, level):
    with pytest.raises(ValueError):
        LEVEL_TAKERS[name](level)


# For mentors and teachers None means "no skill level" and is allowed (AP-M2/M3 tests).
@pytest.mark.parametrize(
    "name",
    sorted(set(LEVEL_TAKERS) - {"enterprise_mentor_problems", "institution_teacher_problems"}),
)
def test_AP_E4_HS_E1_missing_level_raises(name):
    with pytest.raises(ValueError):
        LEVEL_TAKERS[name](None)


@pytest.mark.parametrize("name", sorted(LEVEL_TAKERS))
@pytest.mark.parametrize("level", TRAINABLE_LEVELS)
def test_AP_E4_known_levels_accepted_everywhere(name, level):
    LEVEL_TAKERS[name](level)


@pytest.mark.parametrize("name", AMOUNT_FUNCTIONS)
def test_AP_E4_primary_has_no_duration_credits_or_amount(name):
    with pytest.raises(ValueError, match="AP-E4"):
        LEVEL_TAKERS[name]("primary")


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        ("apprentice_eligibility_problems", ["AP-E4"]),
        ("programme_duration_problems", ["AP-E4"]),
        ("hs_trainee_problems", ["HS-E1"]),
    ],
)
def test_AP_E4_HS_E1_primary_is_refused_by_eligibility_checks(name, problems):
    assert LEVEL_TAKERS[name]("primary") == problems
