import pytest

from portal.rules import (
    FUNDING_SOURCES,
    TRAINABLE_LEVELS,
    funding_source_for,
    hs_funding,
    subsidised_years,
    subsidy_entitlement,
    subsidy_prepayment,
    subsidy_rate_pct,
    subsidy_remainder,
    subsidy_standard,
)

# (urgent, level): standard per person-year, years, full amount, 85 % amount, prepayment
AMOUNTS = {
    (False, "intermediate"): (5000, 1, 5000, 4250, 2500),
    (False, "advanced"): (6000, 2, 12000, 10200, 6000),
    (False, "technician"): (7000, 2, 14000, 11900, 7000),
    (False, "senior_technician"): (8000, 2, 16000, 13600, 8000),
    (True, "intermediate"): (7000, 1, 7000, 5950, 3500),
    (True, "advanced"): (8000, 2, 16000, 13600, 8000),
    (True, "technician"): (9000, 2, 18000, 15300, 9000),
    (True, "senior_technician"): (10000, 2, 20000, 17000, 10000),
}

# (urgent, in_assessment_scope, passed, has_certificate) -> "full" | "reduced" | "none"
OUTCOMES = {
    (False, True, True, True): "full",
    (False, True, True, False): "reduced",
    (False, True, False, True): "none",
    (False, True, False, False): "none",
    (False, False, True, True): "full",  # scope is irrelevant for ordinary occupations
    (False, False, True, False): "reduced",
    (False, False, False, True): "none",
    (False, False, False, False): "none",
    (True, True, True, True): "full",
    (True, True, True, False): "reduced",
    (True, True, False, True): "none",
    (True, True, False, False): "none",
    (True, False, True, True): "full",  # outside the assessment scope a pass pays in full
    (True, False, True, False): "full",
    (True, False, False, True): "none",
    (True, False, False, False): "none",
}
RATES = {"full": 100, "reduced": 85, "none": 0}

MATRIX = [
    (level, *outcome, result) for level in TRAINABLE_LEVELS for outcome, result in OUTCOMES.items()
]


@pytest.mark.parametrize(("urgent", "level"), sorted(AMOUNTS))
def test_AP_subsidy_1_standard_per_person_year(urgent, level):
    """AP-$1: ordinary 5000/6000/7000/8000, urgent 7000/8000/9000/10000 yuan per person-year."""
    assert subsidy_standard(level, urgent) == AMOUNTS[urgent, level][0]
    assert isinstance(subsidy_standard(level, urgent), int)


@pytest.mark.parametrize(("urgent", "level"), sorted(AMOUNTS))
def test_AP_subsidy_2_years_are_the_standard_duration(urgent, level):
    """AP-$2: 中级 1 year, others 2."""
    assert subsidised_years(level) == AMOUNTS[urgent, level][1]


@pytest.mark.parametrize(("urgent", "scope", "passed", "certificate"), sorted(OUTCOMES))
def test_AP_subsidy_3_rate_by_outcome(urgent, scope, passed, certificate):
    """AP-$3: 100 % / 85 % / 0 by category, assessment scope and outcome."""
    assert (
        subsidy_rate_pct(urgent, scope, passed, certificate)
        == RATES[OUTCOMES[urgent, scope, passed, certificate]]
    )


@pytest.mark.parametrize(("level", "urgent", "scope", "passed", "certificate", "result"), MATRIX)
def test_AP_subsidy_3_AP_subsidy_4_full_matrix(level, urgent, scope, passed, certificate, result):
    """AP-$3, AP-$4: entitlement, prepayment and remainder for every category, level and outcome."""
    _, _, full, reduced, prepaid = AMOUNTS[urgent, level]
    entitled = {"full": full, "reduced": reduced, "none": 0}[result]
    assert subsidy_entitlement(level, urgent, scope, passed, certificate) == entitled
    assert subsidy_prepayment(level, urgent) == prepaid
    assert subsidy_remainder(level, urgent, scope, passed, certificate) == entitled - prepaid


@pytest.mark.parametrize(
    ("level", "urgent", "scope", "passed", "certificate", "entitled", "prepaid", "remainder"),
    [
        ("intermediate", False, True, True, False, 4250, 2500, 1750),
        ("intermediate", False, True, True, True, 5000, 2500, 2500),
        ("intermediate", False, False, False, False, 0, 2500, -2500),
        ("senior_technician", True, True, False, False, 0, 10000, -10000),
        ("senior_technician", True, False, True, False, 20000, 10000, 10000),
        ("technician", True, True, True, False, 15300, 9000, 6300),
        ("advanced", False, True, True, False, 10200, 6000, 4200),
    ],
)
def test_AP_subsidy_4_worked_examples(
    level, urgent, scope, passed, certificate, entitled, prepaid, remainder
):
    """AP-$4: remainder = entitlement − prepayment; negative is a recovery."""
    assert subsidy_entitlement(level, urgent, scope, passed, certificate) == entitled
    assert subsidy_prepayment(level, urgent) == prepaid
    assert subsidy_remainder(level, urgent, scope, passed, certificate) == remainder


def test_AP_subsidy_4_withdrawn_apprentice_recovers_the_prepayment():
    """AP-$4: a withdrawn apprentice is passed=False and owes back the whole prepayment."""
    assert subsidy_remainder("advanced", True, True, passed=False, has_certificate=False) == -8000


def test_AP_subsidy_1_parameters_override_defaults():
    """AP-$1: an effective-dated standard replaces the seed's figure everywhere."""
    params = {"subsidy_ordinary_intermediate": 5500, "subsidy_urgent_technician": 9900}
    assert subsidy_standard("intermediate", False, params=params) == 5500
    assert subsidy_standard("technician", True, params=params) == 9900
    assert subsidy_standard("advanced", False, params=params) == 6000  # not overridden
    assert subsidy_entitlement("intermediate", False, True, True, False, params=params) == 4675
    assert subsidy_prepayment("technician", True, params=params) == 9900
    assert subsidy_remainder("technician", True, True, True, True, params=params) == 9900


def test_AP_subsidy_4_prepayment_share_is_a_parameter():
    """AP-$4: a new prepayment share moves the prepayment and, with it, the remainder."""
    params = {"prepayment_pct": 30}
    assert subsidy_prepayment("advanced", False, params=params) == 3600  # 30 % of 6000 × 2
    assert subsidy_remainder("advanced", False, True, True, True, params=params) == 8400
    assert subsidy_remainder("advanced", False, True, False, False, params=params) == -3600
    odd = {"prepayment_pct": 33, "subsidy_ordinary_intermediate": 5001}
    assert subsidy_prepayment("intermediate", False, params=odd) == 1650  # 1650.33 → 1650


def test_AP_subsidy_3_AP_subsidy_4_odd_amounts_round_half_up_to_whole_yuan():
    """AP-$3, AP-$4: 85 % of 5001 is 4250.85 → 4251; half of 5001 is 2500.5 → 2501."""
    params = {"subsidy_ordinary_intermediate": 5001}
    assert subsidy_entitlement("intermediate", False, True, True, False, params=params) == 4251
    assert subsidy_prepayment("intermediate", False, params=params) == 2501
    assert subsidy_remainder("intermediate", False, True, True, False, params=params) == 1750
    params = {"subsidy_ordinary_intermediate": 5010}  # 85 % is exactly 4258.5
    assert subsidy_entitlement("intermediate", False, True, True, False, params=params) == 4259


@pytest.mark.parametrize(
    ("level", "counts", "extended", "years"),
    [
        ("intermediate", 0, 1, 1),  # seed: an extension does not lengthen the subsidy
        ("advanced", 0, 1, 2),
        ("intermediate", 1, 1, 2),
        ("intermediate", 1, 2, 3),
        ("advanced", 1, 1, 3),
        ("advanced", 1, 5, 3),  # never beyond the 3-year maximum
        ("technician", 1, 0, 2),
    ],
)
def test_AP_subsidy_2_extension_counts_only_when_the_parameter_says_so(
    level, counts, extended, years
):
    """AP-$2: subsidy_counts_extension switches extensions into the subsidised years."""
    params = {"subsidy_counts_extension": counts}
    assert subsidised_years(level, params=params, extended_years=extended) == years


def test_AP_subsidy_2_extension_raises_entitlement_not_prepayment():
    """AP-$2, AP-$4: with the switch on, an extra year is paid after assessment."""
    params = {"subsidy_counts_extension": 1}
    kwargs = {"params": params, "extended_years": 1}
    assert subsidy_entitlement("senior_technician", True, True, True, True, **kwargs) == 30000
    assert subsidy_prepayment("senior_technician", True, params=params) == 10000
    assert subsidy_remainder("senior_technician", True, True, True, True, **kwargs) == 20000
    assert (
        subsidy_entitlement("senior_technician", True, True, True, True, extended_years=1) == 20000
    )


def test_AP_subsidy_2_negative_extension_raises():
    """AP-$2: an extension cannot be negative."""
    with pytest.raises(ValueError):
        subsidised_years("advanced", extended_years=-1)


def test_AP_subsidy_5_special_account_first():
    """AP-$5: 职业技能提升行动专账 before 就业补助资金."""
    assert FUNDING_SOURCES == (
        ("special_account", "职业技能提升行动专账"),
        ("employment_fund", "就业补助资金"),
    )


@pytest.mark.parametrize(
    ("amount", "balance", "split"),
    [
        (2500, 10000, [("special_account", 2500)]),
        (2500, 2500, [("special_account", 2500)]),
        (2500, 1000, [("special_account", 1000), ("employment_fund", 1500)]),
        (2500, 0, [("employment_fund", 2500)]),
        (2500, -300, [("employment_fund", 2500)]),
        (0, 1000, []),
    ],
)
def test_AP_subsidy_5_funding_source_split(amount, balance, split):
    """AP-$5: a payment is drawn from the special-account balance, the rest from the fund."""
    assert funding_source_for(amount, balance) == split
    assert sum(part for _, part in split) == amount


def test_AP_subsidy_5_negative_payment_raises():
    """AP-$5: recoveries are not payments."""
    with pytest.raises(ValueError):
        funding_source_for(-1, 1000)


@pytest.mark.parametrize("level", ["intermediate", "advanced", "technician", "senior_technician"])
@pytest.mark.parametrize("urgent", [True, False])
def test_C_MONEY_amounts_are_whole_yuan_integers(level, urgent):
    """C-MONEY: every amount the rules compute is an int, never a float."""
    amounts = [
        subsidy_standard(level, urgent),
        subsidy_prepayment(level, urgent),
        *(subsidy_entitlement(level, urgent, scope, passed, cert)
          for scope in (True, False) for passed in (True, False) for cert in (True, False)),
        *(subsidy_remainder(level, urgent, scope, passed, cert)
          for scope in (True, False) for passed in (True, False) for cert in (True, False)),
        hs_funding(23),
    ]
    assert all(type(amount) is int for amount in amounts)
