"""Skill levels, AP-C3 standard durations and AP-C4 required credits."""

from types import MappingProxyType

LEVELS: tuple[str, ...] = ("primary", "intermediate", "advanced", "technician", "senior_technician")

LEVEL_LABELS = MappingProxyType(
    {
        "primary": "初级",
        "intermediate": "中级",
        "advanced": "高级",
        "technician": "技师",
        "senior_technician": "高级技师",
    }
)

# AP-E4: training targets 中级工 or above.
MIN_TRAINABLE_LEVEL = "intermediate"
TRAINABLE_LEVELS: tuple[str, ...] = LEVELS[LEVELS.index(MIN_TRAINABLE_LEVEL) :]

# AP-C3: 中级 1 year, 高级 and above 2 years, at most 3 with an approved extension.
DURATION_YEARS_INTERMEDIATE = 1
DURATION_YEARS_HIGHER = 2
MAX_DURATION_YEARS = 3

# AP-C4: 1 credit = 10 class hours; 中级 40 credits, 高级 and above 80.
HOURS_PER_CREDIT = 10
CREDITS_INTERMEDIATE = 40
CREDITS_HIGHER = 80


def check_level(level: str) -> str:
    """AP-E4: return ``level`` if it is one of LEVELS, else raise ValueError."""
    if level not in LEVELS:
        raise ValueError(f"unknown level: {level!r}")
    return level


def level_at_least(level: str, minimum: str) -> bool:
    """AP-E4, AP-M2, AP-M3, HS-E1: whether ``level`` is ``minimum`` or higher."""
    return LEVELS.index(check_level(level)) >= LEVELS.index(check_level(minimum))


def require_trainable(level: str) -> str:
    """AP-E4: ValueError for an unknown level or one below 中级 (no duration, credits or subsidy)."""
    if not level_at_least(level, MIN_TRAINABLE_LEVEL):
        raise ValueError(
            f"AP-E4: level {level!r} is below {MIN_TRAINABLE_LEVEL} and is not trained"
        )
    return level


def standard_duration_years(level: str) -> int:
    """AP-C3: standard training duration in years (中级 1, 高级 and above 2)."""
    if require_trainable(level) == MIN_TRAINABLE_LEVEL:
        return DURATION_YEARS_INTERMEDIATE
    return DURATION_YEARS_HIGHER


def required_credits(level: str) -> int:
    """AP-C4: credits needed to complete training (中级 40, 高级 and above 80)."""
    if require_trainable(level) == MIN_TRAINABLE_LEVEL:
        return CREDITS_INTERMEDIATE
    return CREDITS_HIGHER
