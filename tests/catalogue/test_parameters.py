"""Policy parameters are effective-dated rows read through one function (AP-$1, AP-E6)."""

from datetime import date

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.models import ParameterValue


def test_AP_subsidy_1_defaults_apply_without_stored_values(db):
    """AP-$1: the seed's standards are the defaults."""
    params = parameters_on(date(2026, 1, 1))
    assert params == dict(rules.DEFAULTS)
    assert rules.subsidy_standard("advanced", True, params=params) == 8000


def test_AP_subsidy_1_stored_value_applies_from_its_effective_date(db):
    """AP-$1: a new standard takes effect on its date, not before."""
    db.session.add_all([
        ParameterValue(key="subsidy_ordinary_intermediate", value=5500, effective_from=date(2027, 1, 1)),
        ParameterValue(key="subsidy_ordinary_intermediate", value=6000, effective_from=date(2028, 1, 1)),
    ])
    db.session.commit()
    assert parameters_on(date(2026, 12, 31))["subsidy_ordinary_intermediate"] == 5000
    assert parameters_on(date(2027, 1, 1))["subsidy_ordinary_intermediate"] == 5500
    assert parameters_on(date(2029, 6, 1))["subsidy_ordinary_intermediate"] == 6000
    params = parameters_on(date(2027, 6, 1))
    assert rules.subsidy_standard("intermediate", False, params=params) == 5500


def test_AP_E6_minimum_wage_is_an_effective_dated_parameter(db):
    db.session.add(ParameterValue(key="min_monthly_wage", value=2700, effective_from=date(2027, 9, 1)))
    db.session.commit()
    assert rules.wage_problems(2600, params=parameters_on(date(2027, 8, 31))) == []
    assert rules.wage_problems(2600, params=parameters_on(date(2027, 9, 1))) == ["AP-E6"]
