"""The subsidy ledger (台账, AP-$6) and what reads it: exports, holds (AP-S1, AP-S2, AP-$3,
AP-$5, AP-V2), the programme sheet, the forecast and the money effect of a change of status.

The ledger itself: every prepayment, final-claim line, payment, recovery and
repayment, as one union of entries, scoped like the accounts (C-DIST), filtered, totalled
by SQL aggregates. The page and the xlsx export read the same query, so their totals agree.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.models import (
    Apprentice,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Enrolment,
    Fund,
    FundSource,
    Occupation,
    Organisation,
    Payment,
    PaymentPart,
    Programme,
    Recovery,
    Repayment,
    SubsidyAccount,
)
from portal.money.access import accounts_for


class EntryKind(StrEnum):
    PREPAYMENT = "prepayment"  # 预拨: lines of first claims
    REMAINDER = "remainder"  # 剩余补贴: lines of final claims (negative = to recover)
    PAYMENT = "payment"  # 拨付: each fund's part of a payment (AP-$5)
    RECOVERY = "recovery"  # 追回: recovery orders
    REPAYMENT = "repayment"  # 还款: money recovered

    @property
    def label(self) -> str:
        return {"prepayment": "预拨", "remainder": "剩余补贴", "payment": "拨付",
                "recovery": "追回", "repayment": "还款"}[self.value]


# A line counts in the ledger once its claim has been sent and while it is not released.
_LEDGER_CLAIM_STATES = (ClaimState.SUBMITTED, ClaimState.DISTRICT_APPROVED,
                        ClaimState.APPROVED, ClaimState.PAID)
FUND_LABELS = {source.value: source.label for source in FundSource}
Enterprise = aliased(Organisation, name="enterprise")


@dataclass
class LedgerFilters:
    year: int | None = None
    kind: str = ""
    q: str = ""  # enterprise name, occupation or claim number
    programme_id: int | None = None
    district: str = ""


def _day(column):
    """A datetime column as a date, on both databases (SQLite CAST AS DATE gives the year)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.type_coerce(sa.func.date(column), sa.Date)
    return sa.cast(column, sa.Date)


def _columns(kind: EntryKind, day, ref, amount, *, enrolment=None, source=None, row_id):
    return (sa.literal_column(f"'{kind.value}'", sa.String).label("kind"), day.label("day"),
            ref.label("ref"), Programme.id.label("programme_id"),
            Programme.enterprise_id.label("enterprise_id"),
            Programme.institution_id.label("institution_id"),
            Programme.district_code.label("district_code"),
            (enrolment if enrolment is not None else sa.null()).label("enrolment_id"),
            amount.label("amount"),
            (source if source is not None else sa.null()).label("source"),
            row_id.label("row_id"))


def _lines(kind: EntryKind, claim_kind: ClaimKind) -> sa.Select:
    return (sa.select(*_columns(kind, _day(sa.func.coalesce(Claim.submitted_at, Claim.created_at)),
                                Claim.number, ClaimLine.amount, enrolment=ClaimLine.enrolment_id,
                                row_id=ClaimLine.id))
            .join(Claim, Claim.id == ClaimLine.claim_id)
            .join(Programme, Programme.id == Claim.programme_id)
            .where(ClaimLine.kind == claim_kind, ClaimLine.released.is_(False),
                   Claim.state.in_(_LEDGER_CLAIM_STATES)))


def _entries() -> sa.Subquery:
    payments = (sa.select(*_columns(EntryKind.PAYMENT, Payment.paid_on, Claim.number,
                                    PaymentPart.amount, source=Fund.source, row_id=PaymentPart.id))
                .join(Payment, Payment.id == PaymentPart.payment_id)
                .join(Fund, Fund.id == PaymentPart.fund_id)
                .join(Claim, Claim.id == Payment.claim_id)
                .join(Programme, Programme.id == Claim.programme_id))
    recoveries = (sa.select(*_columns(EntryKind.RECOVERY, _day(Recovery.created_at),
                                      sa.cast(Recovery.id, sa.String), Recovery.amount,
                                      enrolment=Recovery.enrolment_id, row_id=Recovery.id))
                  .join(Programme, Programme.id == Recovery.programme_id))
    repayments = (sa.select(*_columns(EntryKind.REPAYMENT, Repayment.paid_on, Repayment.voucher_no,
                                      Repayment.amount, enrolment=Recovery.enrolment_id,
                                      row_id=Repayment.id))
                  .join(Recovery, Recovery.id == Repayment.recovery_id)
                  .join(Programme, Programme.id == Recovery.programme_id))
    return sa.union_all(_lines(EntryKind.PREPAYMENT, ClaimKind.FIRST),
                        _lines(EntryKind.REMAINDER, ClaimKind.FINAL),
                        payments, recoveries, repayments).subquery("entries")


def _scope(user, e) -> sa.ColumnElement[bool]:
    """AP-$6, C-DIST: the entries of the programmes whose accounts the user may see (the
    scope of `money.access.accounts_for`: every entry belongs to such a programme)."""
    programmes = accounts_for(user).with_only_columns(SubsidyAccount.programme_id).distinct()
    return e.c.programme_id.in_(programmes)


def _filtered(user, filters: LedgerFilters, *, with_kind: bool = True):
    """(entries subquery, the WHERE clauses): joined with the enterprise and occupation so the
    search can name them."""
    e = _entries()
    where = [_scope(user, e)]
    if filters.year:
        where += [e.c.day >= date(filters.year, 1, 1), e.c.day < date(filters.year + 1, 1, 1)]
    if with_kind and filters.kind:
        where.append(e.c.kind == filters.kind)
    if filters.programme_id:
        where.append(e.c.programme_id == filters.programme_id)
    if filters.district:
        where.append(e.c.district_code == filters.district)
    if filters.q:
        like = sa.or_(Enterprise.name.contains(filters.q, autoescape=True),
                      Occupation.name.contains(filters.q, autoescape=True),
                      e.c.ref.contains(filters.q, autoescape=True))
        where.append(like)
    return e, where


def _joined(e, q: sa.Select) -> sa.Select:
    return (q.select_from(e)
            .join(Enterprise, Enterprise.id == e.c.enterprise_id)
            .join(Programme, Programme.id == e.c.programme_id)
            .join(Occupation, Occupation.id == Programme.occupation_id))


def ledger_query(user, filters: LedgerFilters) -> sa.Select:
    """The rows (newest first): entry, enterprise name, occupation, level, apprentice."""
    e, where = _filtered(user, filters)
    q = _joined(e, sa.select(e, Enterprise.name.label("enterprise_name"),
                             Occupation.name.label("occupation_name"),
                             Programme.level.label("level"),
                             Apprentice.name.label("apprentice_name"),
                             Apprentice.resident_id.label("resident_id")))
    return (q.outerjoin(Enrolment, Enrolment.id == e.c.enrolment_id)
            .outerjoin(Apprentice, Apprentice.id == Enrolment.apprentice_id)
            .where(*where)
            .order_by(e.c.day.desc(), e.c.kind, e.c.row_id.desc()))


def ledger_totals(user, filters: LedgerFilters) -> dict[str, dict[str, int]]:
    """AP-$6: per kind, the number of entries and the sum of their amounts (one query)."""
    e, where = _filtered(user, filters)
    rows = db.session.execute(
        _joined(e, sa.select(e.c.kind, sa.func.count(), sa.func.coalesce(sa.func.sum(e.c.amount), 0)))
        .where(*where).group_by(e.c.kind)).all()
    found = {kind: {"count": int(count), "amount": int(amount)} for kind, count, amount in rows}
    return {k.value: found.get(k.value, {"count": 0, "amount": 0}) for k in EntryKind}
