"""Time in one place: the database keeps naive UTC, people read Beijing time."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def utc_naive(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, UTC).replace(tzinfo=None)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in Beijing: the day policy dates (effective dates, deadlines) refer to."""
    return datetime.now(BEIJING).date()


def beijing_to_utc(local: datetime) -> datetime:
    """A wall-clock time typed in Beijing → the naive UTC the database keeps."""
    return local.replace(tzinfo=BEIJING).astimezone(UTC).replace(tzinfo=None)


def to_beijing(moment: datetime) -> datetime:
    """A stored naive-UTC moment as Beijing wall-clock time."""
    return moment.replace(tzinfo=UTC).astimezone(BEIJING)


def beijing_day(moment: datetime) -> date:
    return to_beijing(moment).date()


def beijing_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The naive-UTC interval [start, end) of a Beijing calendar day."""
    start = beijing_to_utc(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)
