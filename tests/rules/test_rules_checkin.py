"""AP-P1 check-in flags, pure: distances, the location check and the shared phone."""

import pytest

from portal.rules import (
    LocationProblem,
    device_shared,
    distance_m,
    is_valid_position,
    location_problem,
)

TIANANMEN = (39.9087, 116.3975)


@pytest.mark.parametrize(("b", "expected"), [
    (TIANANMEN, 0),
    ((39.9087 + 0.001, 116.3975), 111),  # a thousandth of a degree of latitude ≈ 111 m
    ((39.9087, 116.3975 + 0.001), 85),  # of longitude, shorter by cos(39.9°)
    ((31.2304, 121.4737), 1_067_000),  # Shanghai, ~1,067 km
])
def test_AP_P1_haversine_distance_in_whole_metres(b, expected):
    tolerance = max(1, expected // 500)  # the sphere is within 0.2 % of the ellipsoid here
    assert abs(distance_m(TIANANMEN, b) - expected) <= tolerance
    assert distance_m(TIANANMEN, b) == distance_m(b, TIANANMEN)
    assert isinstance(distance_m(TIANANMEN, b), int)


def test_AP_P1_distance_of_antipodes_does_not_fail():
    assert distance_m((0.0, 0.0), (0.0, 180.0)) == round(3.141592653589793 * 6_371_008.8)


@pytest.mark.parametrize(("lat", "lon", "ok"), [
    (39.9, 116.4, True), (90, 180, True), (-90, -180, True), (90.1, 0, False), (0, 180.5, False),
    (float("nan"), 0, False), (0, float("inf"), False),
])
def test_AP_P1_a_position_is_a_real_place(lat, lon, ok):
    assert is_valid_position(lat, lon) is ok


def test_AP_P1_location_problem_flags_outside_and_missing_never_without_a_radius():
    ten_m_north = (TIANANMEN[0] + 10 / 111_195, TIANANMEN[1])
    far = (TIANANMEN[0] + 0.01, TIANANMEN[1])  # ~1.1 km
    assert location_problem(None, None, far) is None  # the session checks no location
    assert location_problem(None, TIANANMEN, None) is None
    assert location_problem(100, TIANANMEN, ten_m_north) is None
    assert location_problem(10, TIANANMEN, ten_m_north) is None  # exactly on the edge: inside
    assert location_problem(9, TIANANMEN, ten_m_north) is LocationProblem.OUTSIDE
    assert location_problem(100, TIANANMEN, far) is LocationProblem.OUTSIDE
    assert location_problem(100, TIANANMEN, None) is LocationProblem.MISSING
    assert location_problem(100, TIANANMEN, (91.0, 0.0)) is LocationProblem.MISSING  # forged
    assert LocationProblem.OUTSIDE.label == "超出签到范围"
    assert LocationProblem.MISSING.label == "未提供位置"


def test_AP_P1_device_shared_only_by_another_account_in_the_same_session():
    recent = [(7, 1), (6, 2)]
    assert device_shared(recent, 7, 2)  # user 1 checked in to session 7 from this phone
    assert not device_shared(recent, 7, 1)  # the same trainee again
    assert not device_shared(recent, 8, 2)  # another session: lending a phone next week is fine
    assert not device_shared([], 7, 2)
