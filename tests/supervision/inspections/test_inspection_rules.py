"""AP-V1 (rules.assessment): the reproducible draw and the inspection checks, pure (no app)."""

from datetime import date, timedelta

import pytest

from portal.rules import assessment as rules

IDS = list(range(101, 141))  # forty active programmes


def test_AP_V1_same_seed_same_sample():
    first = rules.draw_sample(IDS, 20261203, 6)
    assert rules.draw_sample(IDS, 20261203, 6) == first
    # The order the database returned the candidates in does not matter.
    assert rules.draw_sample(list(reversed(IDS)), 20261203, 6) == first
    assert len(first) == 6 and len(set(first)) == 6 and set(first) <= set(IDS)


def test_AP_V1_different_seed_different_sample():
    assert rules.draw_sample(IDS, 1, 6) != rules.draw_sample(IDS, 2, 6)


@pytest.mark.parametrize(("candidates", "size", "percent", "expected"), [
    (40, 6, None, 6),
    (40, 60, None, 40),  # never more than there are
    (40, None, 10, 4),
    (41, None, 10, 5),  # rounded up
    (3, None, 10, 1),  # at least one programme
    (40, None, 100, 40),
    (0, 5, None, 0),
])
def test_AP_V1_sample_size_by_number_or_percentage(candidates, size, percent, expected):
    assert rules.sample_size(candidates, size, percent) == expected


@pytest.mark.parametrize(("size", "percent", "seed", "expected"), [
    (5, None, 7, []),
    (None, 10, 7, []),
    (None, None, 7, [rules.SAMPLE_SIZE_OR_PERCENT]),
    (5, 10, 7, [rules.SAMPLE_SIZE_OR_PERCENT]),
    (0, None, 7, [rules.SAMPLE_SIZE_POSITIVE]),
    (None, 101, 7, [rules.SAMPLE_PERCENT_RANGE]),
    (5, None, None, [rules.SAMPLE_SEED_RANGE]),
    (5, None, rules.SAMPLE_SEED_MAX + 1, [rules.SAMPLE_SEED_RANGE]),
])
def test_AP_V1_draw_request_checks(size, percent, seed, expected):
    assert rules.sample_request_problems(size, percent, seed) == expected


def test_AP_V1_future_date_and_missing_findings_refused():
    day = date(2026, 12, 3)
    assert rules.inspection_problems(day, day, problems_found=False, findings="") == []
    assert rules.inspection_problems(day + timedelta(days=1), day, problems_found=False,
                                     findings="") == [rules.INSPECTION_FUTURE_DATE]
    assert rules.inspection_problems(day, day, problems_found=True, findings=" ") == [
        rules.INSPECTION_FINDINGS_REQUIRED]
    assert rules.inspection_problems(day, day, problems_found=False, findings="",
                                     photos=rules.INSPECTION_PHOTOS_MAX + 1) == [
        rules.INSPECTION_TOO_MANY_PHOTOS]
    assert "AP-V1" in rules.INSPECTION_FUTURE_DATE
