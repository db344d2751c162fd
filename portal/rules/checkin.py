"""AP-P1: real-name check-in: where a trainee checked in from, and from whose phone.

Both are flags for the teacher, never refusals: GPS indoors is poor and a phone may be lent,
so the teacher who sees the room decides. Pure: positions and histories are arguments.
"""

import math
from collections.abc import Iterable
from enum import StrEnum

# Mean Earth radius (IUGG); haversine on a sphere is within 0.5 % of the ellipsoid, far
# inside the error of a phone's position indoors.
EARTH_RADIUS_M = 6_371_008.8

# The radius a teacher may set for a session, around the `checkin_radius_m` parameter.
RADIUS_MIN_M = 10
RADIUS_MAX_M = 10_000

Position = tuple[float, float]  # (latitude, longitude) in degrees, WGS 84


class LocationProblem(StrEnum):
    """AP-P1: why a check-in's position needs the teacher's look."""

    MISSING = "missing"  # the browser gave no position (no permission, no JS, no fix)
    OUTSIDE = "outside"  # further from the teacher than the session's radius

    @property
    def label(self) -> str:
        """AP-P1: the flag as the teacher's list shows it."""
        return {"missing": "未提供位置", "outside": "超出签到范围"}[self.value]


def is_valid_position(latitude: float, longitude: float) -> bool:
    """AP-P1: a real point on Earth (finite, latitude ±90°, longitude ±180°)."""
    return (math.isfinite(latitude) and math.isfinite(longitude)
            and -90 <= latitude <= 90 and -180 <= longitude <= 180)


def distance_m(a: Position, b: Position) -> int:
    """AP-P1: the great-circle (haversine) distance between two positions, in whole metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))))


def location_problem(radius_m: int | None, centre: Position | None,
                     position: Position | None) -> LocationProblem | None:
    """AP-P1: why a check-in's position needs the teacher's look, or None.

    Without a radius (the session does not check locations) nothing is wrong. With one, a
    missing or impossible position and a position further than `radius_m` from `centre`
    (the teacher's) are flagged; exactly `radius_m` away is inside.
    """
    if radius_m is None or centre is None:
        return None
    if position is None or not is_valid_position(*position):
        return LocationProblem.MISSING
    return LocationProblem.OUTSIDE if distance_m(centre, position) > radius_m else None


def device_shared(recent: Iterable[tuple[int, int]], session_id: int, user_id: int) -> bool:
    """AP-P1: one phone, one trainee per session: the device's recent check-ins (session id,
    user id) show another account already checked in to `session_id` from it."""
    return any(sid == session_id and uid != user_id for sid, uid in recent)
