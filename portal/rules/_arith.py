"""Exact rounding for money and percentages (C-MONEY): no floats on the way."""

import math
from fractions import Fraction
from numbers import Real


def round_half_up(numerator: Real, denominator: Real) -> int:
    """C-MONEY: numerator / denominator rounded half up, computed exactly."""
    if denominator == 0:
        raise ZeroDivisionError("denominator is 0")
    return math.floor(Fraction(numerator) / Fraction(denominator) + Fraction(1, 2))


def floor_div(numerator: Real, denominator: Real) -> int:
    """C-MONEY: numerator / denominator rounded down, computed exactly."""
    return math.floor(Fraction(numerator) / Fraction(denominator))


def percent_of(amount: int, pct: int) -> int:
    """C-MONEY: pct % of a whole-yuan amount, rounded half up to whole yuan."""
    return round_half_up(amount * pct, 100)


def require_non_negative(**values: Real) -> None:
    """C-MONEY: counts, hours and amounts handed to the rules are never negative."""
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative: {value!r}")
