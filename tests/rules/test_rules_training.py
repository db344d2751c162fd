import pytest

from portal.rules import (
    course_ratio_shares,
    course_ratio_warnings,
    credit_progress_pct,
    credits_for_hours,
    delivery_mode_problems,
    in_catalogue_order,
    programme_duration_problems,
    training_complete,
)


@pytest.mark.parametrize(
    ("general", "theory", "practice", "warnings"),
    [
        (10, 30, 60, []),
        (40, 120, 240, []),
        (15, 25, 60, []),  # 5 points off in two parts: exactly 5 is fine
        (5, 35, 60, []),
        (16, 30, 54, ["AP-C1"]),  # 6 points off
        (10, 24, 66, ["AP-C1"]),
        (0, 0, 100, ["AP-C1"]),
        (1, 3, 6, []),
        (0, 0, 0, ["AP-C1"]),  # nothing planned yet
        (15.5, 25, 59.5, ["AP-C1"]),  # 5.5 points off
        (14.5, 25.5, 60, []),
    ],
)
def test_AP_C1_ratio_1_3_6_warns_beyond_5_points(general, theory, practice, warnings):
    assert course_ratio_warnings(general, theory, practice) == warnings


@pytest.mark.parametrize(
    ("hours", "shares"),
    [
        ((10, 30, 60), (10, 30, 60)),
        ((1, 1, 1), (33, 33, 33)),
        ((1, 0, 7), (13, 0, 88)),
        ((0, 0, 0), (0, 0, 0)),
    ],
)
def test_AP_C1_course_ratio_shares_for_display(hours, shares):
    assert course_ratio_shares(*hours) == shares


def test_AP_C1_negative_hours_raise():
    with pytest.raises(ValueError):
        course_ratio_warnings(-1, 30, 60)
    with pytest.raises(ValueError):
        course_ratio_shares(10, -30, 60)


@pytest.mark.parametrize(
    ("level", "months", "reason", "problems"),
    [
        ("intermediate", 12, None, []),
        ("intermediate", 11, None, ["AP-C3"]),
        ("intermediate", 18, None, ["AP-C3"]),  # longer without a reason
        ("intermediate", 18, "   ", ["AP-C3"]),  # a blank reason is no reason
        ("intermediate", 18, "生产任务调整", []),
        ("intermediate", 36, "生产任务调整", []),
        ("intermediate", 37, "生产任务调整", ["AP-C3"]),  # beyond 3 years
        ("advanced", 24, None, []),
        ("advanced", 12, None, ["AP-C3"]),
        ("technician", 30, "", ["AP-C3"]),
        ("senior_technician", 36, "设备改造", []),
        ("senior_technician", 40, "设备改造", ["AP-C3"]),
    ],
)
def test_AP_C3_programme_duration(level, months, reason, problems):
    assert programme_duration_problems(level, months, reason) == problems


@pytest.mark.parametrize(
    ("hours", "credits"), [(10, 1.0), (0, 0.0), (405, 40.5), (800, 80.0), (15, 1.5)]
)
def test_AP_C4_ten_hours_per_credit(hours, credits):
    assert credits_for_hours(hours) == credits


@pytest.mark.parametrize(
    ("level", "centralised", "on_job", "complete"),
    [
        ("intermediate", 200, 200, True),
        ("intermediate", 200, 199, False),
        ("intermediate", 400, 0, True),  # flexible: either kind of credit counts
        ("advanced", 400, 399, False),
        ("advanced", 500, 300, True),
        ("senior_technician", 800, 0, True),
        ("technician", 399.5, 400, False),
    ],
)
def test_AP_C4_training_complete_when_required_credits_earned(level, centralised, on_job, complete):
    assert training_complete(level, centralised, on_job) is complete


@pytest.mark.parametrize(
    ("level", "hours", "pct"),
    [
        ("intermediate", 0, 0),
        ("intermediate", 200, 50),
        ("intermediate", 399, 99),  # rounded down: 100 only when complete
        ("intermediate", 400, 100),
        ("intermediate", 1000, 100),  # capped
        ("advanced", 400, 50),
        ("technician", 7, 0),
    ],
)
def test_AP_C4_credit_progress_pct(level, hours, pct):
    assert credit_progress_pct(level, hours) == pct


# --- AP-C2 delivery modes ------------------------------------------------------------------


@pytest.mark.parametrize(("modes", "expected"), [
    (["face_to_face"], []),
    (["face_to_face", "online", "on_the_job"], []),
    ([], ["AP-C2"]),
    (["correspondence"], ["AP-C2"]),
    (["online", "bogus"], ["AP-C2"]),
])
def test_AP_C2_delivery_modes_are_face_to_face_online_or_on_the_job(modes, expected):
    assert delivery_mode_problems(modes) == expected


def test_C_REV_refusals_are_listed_in_catalogue_order():
    assert in_catalogue_order(["AP-C4", "AP-E4", "C-ID1", "AP-I2", "AP-E4"]) == [
        "C-ID1", "AP-E4", "AP-I2", "AP-C4",
    ]
