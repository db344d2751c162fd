"""Policy parameters are effective-dated rows read through one function (AP-$1, AP-E6)."""

from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.cli import seed_reference
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


def _wage_rows(db):
    return db.session.execute(
        sa.select(ParameterValue.effective_from, ParameterValue.value, ParameterValue.created_by_id)
        .where(ParameterValue.key == "min_monthly_wage").order_by(ParameterValue.effective_from)
    ).all()


def test_AP_E6_dated_minimum_wage_seeded(db):
    """AP-E6, C-EFF: a fresh database knows 2,420 yuan from 2023-09-01 and 2,540 from
    2025-09-01, as seeded rows the centre sees; seeding again adds nothing."""
    assert parameters_on(date(2024, 1, 1))["min_monthly_wage"] == 2420
    assert parameters_on(date(2026, 1, 1))["min_monthly_wage"] == 2540
    assert parameters_on(date(2025, 8, 31))["min_monthly_wage"] == 2420
    assert _wage_rows(db) == [(date(2023, 9, 1), 2420, None), (date(2025, 9, 1), 2540, None)]
    seed_reference()
    db.session.commit()
    assert len(_wage_rows(db)) == 2


def test_AP_E6_dated_minimum_wage_applies_without_seeded_rows(db):
    """AP-E6, C-EFF: the rules layer's dated values are the fallback; a stored value wins
    from its own date on, also when it is older than a dated one."""
    db.session.execute(sa.delete(ParameterValue))
    assert parameters_on(date(2024, 1, 1))["min_monthly_wage"] == 2420
    assert parameters_on(date(2026, 1, 1))["min_monthly_wage"] == 2540
    db.session.add_all([
        ParameterValue(key="min_monthly_wage", value=2320, effective_from=date(2021, 9, 1)),
        ParameterValue(key="min_monthly_wage", value=2480, effective_from=date(2024, 3, 1)),
    ])
    db.session.commit()
    assert parameters_on(date(2022, 1, 1))["min_monthly_wage"] == 2320
    assert parameters_on(date(2024, 1, 1))["min_monthly_wage"] == 2420
    assert parameters_on(date(2024, 6, 1))["min_monthly_wage"] == 2480
    assert parameters_on(date(2026, 1, 1))["min_monthly_wage"] == 2540
