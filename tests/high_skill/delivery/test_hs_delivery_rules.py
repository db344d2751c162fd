"""The pure rules of delivery and completion (no app): HS-W7's verdict and attendance line,
HS-W8's filing conditions, watch window and days late, annex 3's 性别."""

from datetime import date

import pytest

from portal.rules.high_skill import (
    hs_assessment_open,
    hs_attendance_passes,
    hs_attendance_percent,
    hs_completion_problems,
    hs_days_late,
    hs_filing_watch_cutoff,
    hs_gender,
    hs_verdict,
)

ALL = {"attendance": 1, "attitude": 1, "participation": 1, "summary": 1}


@pytest.mark.parametrize(("scores", "has_summary", "verdict"), [
    (ALL, True, "pass"),
    (ALL, False, "fail"),  # HS-P5: no summary, no pass
    ({**ALL, "attitude": 0}, True, "fail"),
    ({**ALL, "attendance": 0}, True, "fail"),
    ({**ALL, "summary": None}, True, None),
    ({"attendance": 1}, True, None),
])
def test_HS_W7_verdict(scores, has_summary, verdict):
    assert hs_verdict(scores, has_summary) == verdict


def test_HS_W7_verdict_scores_are_zero_or_one():
    with pytest.raises(ValueError):
        hs_verdict({**ALL, "attitude": 2}, True)


@pytest.mark.parametrize(("attended", "held", "passes", "percent"), [
    (80, 100, True, 80), (79, 100, False, 79), (8, 10, True, 80), (0, 0, False, 0),
    (10, 10, True, 100),
])
def test_HS_W7_attendance_line_is_80_percent_of_the_hours_held(attended, held, passes, percent):
    assert hs_attendance_passes(attended, held) is passes
    assert hs_attendance_percent(attended, held) == percent


def test_HS_W7_assessment_opens_at_the_end_or_when_the_plan_is_held():
    end = date(2026, 6, 30)
    assert not hs_assessment_open(end, date(2026, 6, 29), 40, 96)
    assert hs_assessment_open(end, date(2026, 6, 30), 0, 96)
    assert hs_assessment_open(end, date(2026, 6, 1), 96, 96)
    assert not hs_assessment_open(end, date(2026, 6, 1), 0, 0)


def test_HS_W8_completion_problems():
    end = date(2026, 6, 30)
    assert hs_completion_problems(end, end, 0, 50, False) == []
    assert hs_completion_problems(end, end, 0, 0, True) == []
    assert hs_completion_problems(end, end, 2, 50, False) == ["HS-W7"]
    assert hs_completion_problems(end, date(2026, 6, 29), 0, 50, False) == ["HS-W8"]
    assert hs_completion_problems(end, end, 0, 49, False) == ["HS-W8"]
    # Late is a flag, never a refusal.
    assert hs_completion_problems(end, date(2026, 9, 1), 0, 50, False) == []


def test_HS_W8_watch_window_and_days_late():
    today = date(2026, 7, 20)
    assert hs_filing_watch_cutoff(today) == date(2026, 7, 13)  # deadline 7-27 = today + 7
    assert hs_days_late(date(2026, 6, 30), date(2026, 7, 14)) == 0
    assert hs_days_late(date(2026, 6, 30), date(2026, 7, 17)) == 3


@pytest.mark.parametrize(("resident_id", "gender"), [
    ("11010519850101123X", "男"), ("110105198501011228", "女"), ("short", ""),
])
def test_annex_3_gender_from_the_resident_id(resident_id, gender):
    assert hs_gender(resident_id) == gender
