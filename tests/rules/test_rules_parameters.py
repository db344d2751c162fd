import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from portal.rules import DEFAULTS, PARAMETERS, ParameterSpec, param
from portal.rules.parameters import backdating_problems, in_force_on, is_backdated

RULES_MD = Path(__file__).resolve().parents[3] / "shared/spec/RULES.md"

EXPECTED_DEFAULTS = {
    "subsidy_ordinary_intermediate": 5000,
    "subsidy_ordinary_advanced": 6000,
    "subsidy_ordinary_technician": 7000,
    "subsidy_ordinary_senior_technician": 8000,
    "subsidy_urgent_intermediate": 7000,
    "subsidy_urgent_advanced": 8000,
    "subsidy_urgent_technician": 9000,
    "subsidy_urgent_senior_technician": 10000,
    "subsidy_counts_extension": 0,
    "prepayment_pct": 50,
    "min_monthly_wage": 2540,
    "recovery_due_days": 30,
    "attendance_alert_below_pct": 80,
    "attrition_alert_above_pct": 20,
    "checkin_radius_m": 100,
    "hs_class_min": 20,
    "hs_class_max": 30,
    "hs_annual_cap": 800,
    "hs_funding_per_trainee": 5000,
    "hs_funding_on_roster": 1,
}


def test_AP_subsidy_1_AP_E6_AP_P4_HS_P2_seed_defaults():
    """AP-$1, AP-$2, AP-$4, AP-E6, AP-P4, HS-P2, HS-$1: the seed's figures are the defaults."""
    assert dict(DEFAULTS) == EXPECTED_DEFAULTS
    assert [spec.key for spec in PARAMETERS] == list(EXPECTED_DEFAULTS)
    assert all(isinstance(spec.default, int) and spec.label for spec in PARAMETERS)


def test_AP_subsidy_1_parameter_specs_are_frozen_and_defaults_read_only():
    """AP-$1: parameters change through effective-dated overrides, never by mutation."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        PARAMETERS[0].default = 1
    with pytest.raises(TypeError):
        DEFAULTS["hs_class_min"] = 1
    assert isinstance(PARAMETERS[0], ParameterSpec)


@pytest.mark.parametrize(
    ("params", "value"),
    [(None, 2540), ({}, 2540), ({"hs_class_min": 10}, 2540), ({"min_monthly_wage": 2600}, 2600)],
)
def test_AP_E6_param_prefers_override_else_default(params, value):
    assert param(params, "min_monthly_wage") == value


def test_AP_E6_param_unknown_key_raises_even_if_passed_in():
    with pytest.raises(KeyError):
        param({"no_such_parameter": 1}, "no_such_parameter")


@pytest.mark.skipif(not RULES_MD.exists(), reason="RULES.md is not beside the project")
def test_AP_subsidy_1_parameter_rule_ids_are_rules_marked_parameter():
    """AP-$1, AP-$2, AP-$4, AP-E6, AP-P4, HS-P2, HS-$1: every parameter belongs to a *parameter* rule."""
    marked = {
        match.group(1)
        for match in re.finditer(
            r"^\| ((?:C|AP|HS)-[A-Z$0-9]+) \|.*\*[^*|]*parameter", RULES_MD.read_text(), re.M
        )
    }
    # Issue 11 makes AP-P1's check-in radius a parameter; RULES.md does not mark AP-P1.
    assert {spec.rule_id for spec in PARAMETERS} == marked | {"AP-P1"}


WAGE = next(spec for spec in PARAMETERS if spec.key == "min_monthly_wage")


@pytest.mark.parametrize(("day", "expected"), [
    (date(2020, 1, 1), (None, 2420)),  # before the oldest dated value: the oldest one
    (date(2023, 9, 1), (date(2023, 9, 1), 2420)),
    (date(2025, 8, 31), (date(2023, 9, 1), 2420)),
    (date(2025, 9, 1), (date(2025, 9, 1), 2540)),
    (date(2030, 1, 1), (date(2025, 9, 1), 2540)),
])
def test_AP_E6_minimum_wage_has_dated_values(day, expected):
    """AP-E6, C-EFF: 2,420 yuan from 2023-09-01, 2,540 from 2025-09-01 (the default)."""
    assert WAGE.dated_default(day) == expected
    assert WAGE.default == WAGE.history[-1][1] == 2540
    assert in_force_on(day, {})["min_monthly_wage"] == expected[1]


def test_C_EFF_in_force_on_prefers_the_later_effective_date():
    stored = {"min_monthly_wage": (date(2024, 3, 1), 2480), "hs_class_min": (date(2020, 1, 1), 18)}
    assert in_force_on(date(2024, 6, 1), stored)["min_monthly_wage"] == 2480
    assert in_force_on(date(2026, 1, 1), {"min_monthly_wage": (date(2024, 3, 1), 2480)})[
        "min_monthly_wage"] == 2540
    assert in_force_on(date(2026, 1, 1), {"min_monthly_wage": (date(2025, 9, 1), 2600)})[
        "min_monthly_wage"] == 2600  # the centre's value on a dated day is the one stored
    assert in_force_on(date(2026, 1, 1), stored)["hs_class_min"] == 18
    assert set(in_force_on(date(2026, 1, 1), {"unknown": (date(2020, 1, 1), 1)})) == set(DEFAULTS)


def test_C_EFF_backdated_value_needs_a_stated_reason():
    day = date(2026, 12, 2)
    assert is_backdated(date(2026, 12, 1), day) and not is_backdated(day, day)
    assert backdating_problems(date(2024, 3, 1), "  ", day) == ["C-EFF"]
    assert backdating_problems(date(2024, 3, 1), "京人社劳发（演示）", day) == []
    assert backdating_problems(day, "", day) == []  # not back-dated: the form asks for a reason


def test_AP_E6_dated_wage_figures_are_written_once():
    """C-EFF: the dated minimum wages live once, in the rules layer."""
    portal = Path(__file__).resolve().parents[2] / "portal"
    sources = [path.read_text(encoding="utf-8") for path in portal.rglob("*.py")]
    for figure in ("2420", "2540"):
        assert sum(len(re.findall(rf"(?<![\d.]){figure}(?![\d])", text)) for text in sources) == 1
