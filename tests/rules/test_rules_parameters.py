import dataclasses
import re
from pathlib import Path

import pytest

from portal.rules import DEFAULTS, PARAMETERS, ParameterSpec, param

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
    "attendance_alert_below_pct": 80,
    "attrition_alert_above_pct": 20,
    "hs_class_min": 20,
    "hs_class_max": 30,
    "hs_annual_cap": 800,
    "hs_funding_per_trainee": 5000,
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
    assert {spec.rule_id for spec in PARAMETERS} == marked
