"""HS-P2: the city-wide quota approved for a year, raised by a guarded UPDATE.

Two approvals at the same moment whose quotas together pass the cap cannot both win: the
year's row is created if missing (insert-or-ignore), then
`UPDATE hs_year_tally SET approved_quota = approved_quota + :q WHERE year = :y AND
approved_quota + :q <= :cap`; on PostgreSQL the second UPDATE waits for the first to commit
and then re-reads the row, so its condition fails and no row changes. SQLite serialises
writers. An `if` on a value read earlier would let both through.
"""

from collections.abc import Mapping

import sqlalchemy as sa

from portal.core.errors import ServiceError
from portal.core.upsert import insert_ignore
from portal.extensions import db
from portal.models import HsYearTally
from portal.rules.high_skill import hs_annual_cap_problems
from portal.rules.parameters import param


def approved_in(year: int) -> int:
    """Quota already approved city-wide for `year`."""
    return db.session.scalar(
        sa.select(HsYearTally.approved_quota).where(HsYearTally.year == year)) or 0


def remaining_in(year: int, params: Mapping[str, int]) -> int:
    return max(0, param(params, "hs_annual_cap") - approved_in(year))


def cap_refusal(year: int, quota: int, params: Mapping[str, int]) -> str:
    cap, approved = param(params, "hs_annual_cap"), approved_in(year)
    return (f"{year}年全市已核定研修人数{approved}人，尚余{max(0, cap - approved)}人，"
            f"核定{quota}人将超过全年{cap}人的上限（规则 HS-P2）")


def reserve(year: int, quota: int, params: Mapping[str, int]) -> None:
    """HS-P2: add `quota` to the year's tally, or refuse naming how many remain."""
    if hs_annual_cap_problems(approved_in(year), quota, params=params):
        raise ServiceError(cap_refusal(year, quota, params))
    insert_ignore(db.session, HsYearTally.__table__, ["year"], year=year, approved_quota=0)
    changed = db.session.execute(
        sa.update(HsYearTally)
        .where(HsYearTally.year == year,
               HsYearTally.approved_quota + quota <= param(params, "hs_annual_cap"))
        .values(approved_quota=HsYearTally.approved_quota + quota)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        # Another approval took the rest in the meantime (its commit is visible now).
        raise ServiceError(cap_refusal(year, quota, params))
