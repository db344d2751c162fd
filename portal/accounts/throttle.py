"""Login throttling in the database, one count for every worker (issue 15 item 3).

Three counters per attempt: the account at this address (strict: a guesser at a keyboard is
stopped for the window), the address (loose: an office behind one NAT) and the account from
anywhere (loose, and never a lock: past its free failures each further attempt waits twice
as long as the last, so a stranger typing a trainee's mobile number slows the account down
but cannot shut its owner out for long).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from limits import parse

from portal.core.upsert import insert_ignore
from portal.extensions import db
from portal.models import LoginThrottle
from portal.models.base import utcnow

TABLE = LoginThrottle.__table__


@dataclass(frozen=True)
class Refusal:
    message: str
    reason: str  # for the audit record


def _keys(username: str, ip: str) -> dict[str, str]:
    name = username.strip().lower()[:64]
    return {"pair": f"u@a:{name}@{ip}", "user": f"u:{name}", "address": f"a:{ip}"}


def _limit(setting: str) -> tuple[int, timedelta]:
    item = parse(current_app.config[setting])
    return item.amount, timedelta(seconds=item.get_expiry())


def user_delay(failures: int) -> timedelta:
    """The wait after an account's `failures`-th failure: none before the limit's amount,
    then twice as long each time, up to the ceiling."""
    free, _window = _limit("LOGIN_USER_LIMIT")
    beyond = failures - free + 1
    if beyond <= 0:
        return timedelta(0)
    base = current_app.config["LOGIN_USER_DELAY_SECONDS"]
    ceiling = current_app.config["LOGIN_USER_MAX_DELAY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** min(beyond - 1, 20), ceiling))


def refusal(username: str, ip: str, now: datetime | None = None) -> Refusal | None:
    """Why this attempt is not weighed at all, or None."""
    now = now or utcnow()
    keys = _keys(username, ip)
    rows = {row.key: row for row in db.session.scalars(
        sa.select(LoginThrottle).where(LoginThrottle.key.in_(keys.values())))}
    for kind, setting, message in (
        ("pair", "LOGIN_LIMIT", "该账号在本网络登录失败次数过多，请{minutes}分钟后再试。"),
        ("address", "LOGIN_ADDRESS_LIMIT", "本网络登录失败次数过多，请{minutes}分钟后再试。"),
    ):
        amount, window = _limit(setting)
        row = rows.get(keys[kind])
        if row and row.failures >= amount and row.window_started_at > now - window:
            left = row.window_started_at + window - now
            minutes = max(1, -(-int(left.total_seconds()) // 60))
            return Refusal(message.format(minutes=minutes), f"{kind} {amount}/{window}")
    row = rows.get(keys["user"])
    if row and row.next_allowed_at and row.next_allowed_at > now:
        seconds = max(1, int((row.next_allowed_at - now).total_seconds() + 0.999))
        return Refusal(f"该账号登录失败次数较多，请{seconds}秒后再试。", f"user delay {seconds}s")
    return None


def _count(key: str, window: timedelta, now: datetime) -> int:
    """One more failure for `key` in a fixed window, atomically; the new count."""
    insert_ignore(db.session, TABLE, ["key"], key=key, failures=0, window_started_at=now)
    expired = TABLE.c.window_started_at <= now - window
    return db.session.execute(
        TABLE.update().where(TABLE.c.key == key).values(
            failures=sa.case((expired, 1), else_=TABLE.c.failures + 1),
            window_started_at=sa.case((expired, now), else_=TABLE.c.window_started_at))
        .returning(TABLE.c.failures)).scalar_one()


def failed(username: str, ip: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    keys = _keys(username, ip)
    _count(keys["pair"], _limit("LOGIN_LIMIT")[1], now)
    _count(keys["address"], _limit("LOGIN_ADDRESS_LIMIT")[1], now)
    failures = _count(keys["user"], _limit("LOGIN_USER_LIMIT")[1], now)
    delay = user_delay(failures)
    if delay:
        db.session.execute(TABLE.update().where(TABLE.c.key == keys["user"])
                           .values(next_allowed_at=now + delay))


def succeeded(username: str, ip: str) -> None:
    """The right password from here clears this account's counts (not the address's)."""
    keys = _keys(username, ip)
    db.session.execute(TABLE.delete().where(TABLE.c.key.in_([keys["pair"], keys["user"]])))


def forget_before(cutoff: datetime) -> int:
    """Counts whose window ended before `cutoff`; the table stays small."""
    return db.session.execute(TABLE.delete().where(
        TABLE.c.window_started_at < cutoff,
        sa.or_(TABLE.c.next_allowed_at.is_(None), TABLE.c.next_allowed_at < cutoff))).rowcount
