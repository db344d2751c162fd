"""HS-W3, HS-P2 rules of the review, pure (no app)."""

import pytest

from portal.rules.high_skill import (
    hs_conflict_of_interest,
    hs_quota_problems,
    hs_rubric_problems,
    hs_score_problems,
    hs_score_spread,
    hs_weighted_total,
)


@pytest.mark.parametrize(("weights", "problems"), [
    ([30, 25, 20, 15, 10], []),
    ([100], []),
    ([30, 25, 20, 15], ["HS-W3"]),  # 90
    ([30, 25, 20, 15, 11], ["HS-W3"]),  # 101
    ([], ["HS-W3"]),
    ([110, -10], ["HS-W3"]),  # sums to 100 but out of range
    ([100, 0], ["HS-W3"]),
])
def test_HS_W3_active_weights_sum_to_100(weights, problems):
    assert hs_rubric_problems(weights) == problems


@pytest.mark.parametrize(("scores", "problems"), [
    ([0, 100, 55], []), ([-1], ["HS-W3"]), ([101], ["HS-W3"]), ([50, 100, 101], ["HS-W3"]),
])
def test_HS_W3_scores_within_0_and_100(scores, problems):
    assert hs_score_problems(scores) == problems


def test_HS_W3_weighted_total_rounds_half_up_in_integers():
    weights = {"a": 30, "b": 25, "c": 20, "d": 15, "e": 10}
    assert hs_weighted_total({"a": 80, "b": 90, "c": 70, "d": 60, "e": 100}, weights) == 80
    # 85*30 + 91*25 + 0 + 0 + 0 = 2550 + 2275 = 4825 → 48.25 → 48
    assert hs_weighted_total({"a": 85, "b": 91, "c": 0, "d": 0, "e": 0}, weights) == 48
    # 50.5 rounds up to 51
    assert hs_weighted_total({"x": 51, "y": 50}, {"x": 50, "y": 50}) == 51
    assert hs_weighted_total({"x": 100, "y": 100}, {"x": 50, "y": 50}) == 100


def test_HS_W3_weighted_total_needs_every_criterion():
    with pytest.raises(ValueError):
        hs_weighted_total({"a": 80}, {"a": 50, "b": 50})


def test_HS_W3_mean_and_spread_of_totals():
    assert hs_score_spread([80, 70, 91]) == (80.3, 21)
    assert hs_score_spread([75]) == (75.0, 0)
    assert hs_score_spread([]) == (None, None)


@pytest.mark.parametrize(("quota", "planned", "problems"), [
    (30, 30, []), (20, 30, []), (0, 30, ["HS-W3"]), (-5, 30, ["HS-W3"]), (31, 30, ["HS-W3"]),
    (19, 30, ["HS-P2"]),
])
def test_HS_W3_HS_P2_quota_positive_within_plan_and_one_class(quota, planned, problems):
    assert hs_quota_problems(quota, planned) == problems


def test_HS_P2_quota_class_minimum_is_a_parameter():
    assert hs_quota_problems(15, 30, params={"hs_class_min": 15}) == []


def test_HS_W3_conflict_of_interest_is_the_host_organisation():
    assert hs_conflict_of_interest(7, 7) is True
    assert hs_conflict_of_interest(8, 7) is False
    assert hs_conflict_of_interest(None, 7) is False
