"""AP-$5: the centre records each fund's available amount per year; payments draw on it.

`drawn` only moves through `draw` (a guarded UPDATE), so two payments at once can never take
a fund past its available amount; `available` never goes below what was drawn.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from portal import rules
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import Fund, FundSource, Role
from portal.models.base import utcnow

OBJECT_TYPE = "fund"
NOTE_MAX = 200
YEAR_MIN, YEAR_MAX = 2021, 2100

# AP-$5: the drawing order is the rules layer's.
SOURCES: tuple[FundSource, ...] = tuple(FundSource(code) for code, _ in rules.FUNDING_SOURCES)


@dataclass(frozen=True)
class FundYear:
    """One year's funds in drawing order; a source not yet recorded is None."""

    year: int
    funds: tuple[tuple[FundSource, Fund | None], ...]


def funds_of_year(year: int) -> dict[FundSource, Fund]:
    """The recorded funds of `year`, re-read from the database (another payment may have
    drawn since this session last looked)."""
    found = db.session.scalars(
        sa.select(Fund).where(Fund.year == year).execution_options(populate_existing=True))
    return {FundSource(f.source): f for f in found}


def overview(extra_years: tuple[int, ...] = ()) -> list[FundYear]:
    """Every recorded year (and `extra_years`), newest first, in one query."""
    by_year: dict[int, dict[FundSource, Fund]] = {year: {} for year in extra_years}
    for fund in db.session.scalars(sa.select(Fund).order_by(Fund.year.desc(), Fund.id)):
        by_year.setdefault(fund.year, {})[FundSource(fund.source)] = fund
    return [FundYear(year, tuple((s, funds.get(s)) for s in SOURCES))
            for year, funds in sorted(by_year.items(), reverse=True)]


def set_available(actor, year: int, source, available: int, note: str = "") -> Fund:
    """AP-$5: create a fund of `year` and `source`, or change its available amount.

    Never below what has been drawn (a guarded UPDATE, so a payment drawing at the same
    moment is counted); audited with old → new (C-AUD). Flushes; the caller commits.
    """
    if getattr(actor, "role", None) != Role.CENTER:
        raise NotAllowed("只有市级可以登记资金可用额度（规则 AP-$5）")
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ServiceError(f"年度须在{YEAR_MIN}–{YEAR_MAX}之间")
    try:
        source = FundSource(source)
    except ValueError:
        raise ServiceError("请选择资金来源（规则 AP-$5）") from None
    problem = rules.amount_problem(available)
    if problem:
        raise ServiceError(problem)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(f"说明不能超过{NOTE_MAX}字")
    fund = db.session.scalar(
        sa.select(Fund).where(Fund.year == year, Fund.source == source)
        .execution_options(populate_existing=True))
    if fund is None:
        fund = Fund(year=year, source=source, available=available, drawn=0, note=note)
        db.session.add(fund)
        db.session.flush()
        old = 0
    else:
        old = fund.available
        changed = db.session.execute(
            sa.update(Fund).where(Fund.id == fund.id, Fund.drawn <= available)
            .values(available=available, note=note, updated_at=utcnow())
            .execution_options(synchronize_session=False)).rowcount
        db.session.refresh(fund)
        if changed != 1:
            raise ServiceError(f"可用额度不能低于已拨付的{fund.drawn}元（规则 AP-$5）")
    audit.record(actor, OBJECT_TYPE, fund.id, "set_available", from_state=str(old),
                 to_state=str(available),
                 comment=f"{year}年{source.label}：{old}元 → {available}元" + (f"；{note}" if note else ""))
    db.session.flush()
    return fund


def draw(fund: Fund, amount: int) -> bool:
    """AP-$5: take `amount` from `fund` if it is still there; True when drawn.

    `drawn = drawn + :x WHERE drawn + :x <= available`: of two payments racing for the
    last yuan, exactly one wins (on PostgreSQL the other waits, then matches no row).
    """
    changed = db.session.execute(
        sa.update(Fund).where(Fund.id == fund.id, Fund.drawn + amount <= Fund.available)
        .values(drawn=Fund.drawn + amount, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    return changed == 1
