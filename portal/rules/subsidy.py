"""AP-$1..$5: apprenticeship training subsidy, whole yuan (C-MONEY)."""

from collections.abc import Mapping

from ._arith import percent_of, require_non_negative
from .levels import MAX_DURATION_YEARS, require_trainable, standard_duration_years
from .parameters import param

# AP-$3: share of the standard paid by assessment outcome.
FULL_RATE_PCT = 100
NO_CERTIFICATE_RATE_PCT = 85
FAILED_RATE_PCT = 0

# AP-$5: drawn from in this order.
FUNDING_SOURCES: tuple[tuple[str, str], ...] = (
    ("special_account", "职业技能提升行动专账"),
    ("employment_fund", "就业补助资金"),
)


def subsidy_standard(level: str, urgent: bool, *, params: Mapping[str, int] | None = None) -> int:
    """AP-$1: subsidy standard in yuan per person-year for the occupation category and level."""
    category = "urgent" if urgent else "ordinary"
    return param(params, f"subsidy_{category}_{require_trainable(level)}")


def subsidised_years(
    level: str, *, params: Mapping[str, int] | None = None, extended_years: int = 0
) -> int:
    """AP-$2: years subsidised = the standard duration; an approved extension counts only if the parameter says so."""
    require_non_negative(extended_years=extended_years)
    years = standard_duration_years(level)
    if param(params, "subsidy_counts_extension"):
        years = min(years + extended_years, MAX_DURATION_YEARS)
    return years


def subsidy_rate_pct(
    urgent: bool, in_assessment_scope: bool, passed: bool, has_certificate: bool
) -> int:
    """AP-$3: percent of the standard paid for an assessment outcome.

    Outside Beijing's assessment scope an urgent-need occupation has no certificate to
    earn, so a pass alone pays in full; scope does not matter for ordinary occupations.
    """
    if not passed:
        return FAILED_RATE_PCT
    if has_certificate or (urgent and not in_assessment_scope):
        return FULL_RATE_PCT
    return NO_CERTIFICATE_RATE_PCT


def _standard_amount(
    level: str, urgent: bool, params: Mapping[str, int] | None, extended_years: int
) -> int:
    """AP-$1, AP-$2: standard per person-year × subsidised years."""
    years = subsidised_years(level, params=params, extended_years=extended_years)
    return subsidy_standard(level, urgent, params=params) * years


def subsidy_entitlement(
    level: str,
    urgent: bool,
    in_assessment_scope: bool,
    passed: bool,
    has_certificate: bool,
    *,
    params: Mapping[str, int] | None = None,
    extended_years: int = 0,
) -> int:
    """AP-$3: total subsidy earned = standard × subsidised years × outcome rate.

    A withdrawn apprentice is entitled to nothing: callers pass ``passed=False``.
    """
    rate = subsidy_rate_pct(urgent, in_assessment_scope, passed, has_certificate)
    return percent_of(_standard_amount(level, urgent, params, extended_years), rate)


def subsidy_prepayment(level: str, urgent: bool, *, params: Mapping[str, int] | None = None) -> int:
    """AP-$4: the prepayment share (parameter) of standard × standard years, paid once the
    student record is established.

    An extension is unknown at that point, so it never raises the prepayment.
    """
    share = param(params, "prepayment_pct")
    return percent_of(_standard_amount(level, urgent, params, 0), share)


def subsidy_remainder(
    level: str,
    urgent: bool,
    in_assessment_scope: bool,
    passed: bool,
    has_certificate: bool,
    *,
    params: Mapping[str, int] | None = None,
    extended_years: int = 0,
) -> int:
    """AP-$4: entitlement − prepayment; negative means the difference is recovered (追回).

    A withdrawn apprentice is entitled to nothing: callers pass ``passed=False``.
    """
    entitlement = subsidy_entitlement(
        level,
        urgent,
        in_assessment_scope,
        passed,
        has_certificate,
        params=params,
        extended_years=extended_years,
    )
    return entitlement - subsidy_prepayment(level, urgent, params=params)


def funding_source_for(amount: int, special_account_balance: int) -> list[tuple[str, int]]:
    """AP-$5: split a payment: special-account balance first, the rest from the employment fund.

    Sources contributing nothing are left out, so a zero payment gives an empty list.
    """
    require_non_negative(amount=amount)
    (special, _), (fallback, _) = FUNDING_SOURCES
    from_special = min(amount, max(special_account_balance, 0))
    split = [(special, from_special), (fallback, amount - from_special)]
    return [(code, part) for code, part in split if part > 0]
