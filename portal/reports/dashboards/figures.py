"""The figure set of one scope (the city, or one district: C-DIST), as plain JSON data.

A constant number of grouped queries whatever the data: one over enrolments (the cube of
district × occupation × level × year, from which every breakdown is summed in Python), the
three of AP-P4 (`quality.services`), one of money (the ledger's totals) and one of claims
held, and for the city one of HS trainees. The result is cached (`cache.py`).
"""

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.programmes.access import programmes_for
from portal.apprenticeship.quality import services as quality
from portal.apprenticeship.quality.services import ESTABLISHED_STATES
from portal.catalogue.parameters import parameters_on
from portal.extensions import db
from portal.models import (
    Assessment,
    Claim,
    ClaimState,
    District,
    Enrolment,
    EnrolmentState,
    HsProposal,
    HsTrainee,
    HsYearTally,
    Occupation,
    Programme,
    ReviewState,
    Verdict,
)
from portal.money import ledger
from portal.money.access import claims_for
from portal.reports.dashboards.filters import STATES

TOP_OCCUPATIONS = 12
MONEY_KINDS = ("prepayment", "payment", "repayment", "recovery")


def _sum_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _zero() -> dict[str, int]:
    return dict.fromkeys(STATES, 0)


def enrolment_cube(district: str) -> list[tuple]:
    """(district, occupation, level, year, registered, active, passed, withdrawn): one query.

    The state sums are `filters.state_clause` written as sums (a test holds them equal)."""
    year = sa.extract("year", Enrolment.established_on)
    q = (sa.select(Enrolment.district_code, Programme.occupation_id, Programme.level, year,
                   sa.func.count(),
                   _sum_if(Enrolment.state == EnrolmentState.ACTIVE),
                   _sum_if(Assessment.agreed_verdict == Verdict.PASSED),
                   _sum_if(Enrolment.state == EnrolmentState.WITHDRAWN))
         .join(Programme, Programme.id == Enrolment.programme_id)
         .outerjoin(Assessment, Assessment.enrolment_id == Enrolment.id)
         .where(Enrolment.state.in_(ESTABLISHED_STATES))
         .group_by(Enrolment.district_code, Programme.occupation_id, Programme.level, year))
    if district:
        q = q.where(Enrolment.district_code == district)
    return [tuple(row) for row in db.session.execute(q)]


def _add(into: dict[str, int], counts) -> None:
    for state, n in zip(STATES, counts, strict=True):
        into[state] += int(n or 0)


def enrolment_figures(district: str) -> dict:
    """Totals and breakdowns by district, occupation, level and year; AP-T1 progress."""
    totals = _zero()
    by = {"district": defaultdict(_zero), "occupation": defaultdict(_zero),
          "level": defaultdict(_zero), "year": defaultdict(_zero)}
    for code, occupation_id, level, year, *counts in enrolment_cube(district):
        _add(totals, counts)
        _add(by["district"][code], counts)
        _add(by["occupation"][occupation_id], counts)
        _add(by["level"][level], counts)
        if year is not None:
            _add(by["year"][int(year)], counts)
    names = dict(db.session.execute(sa.select(District.code, District.name)
                                    .order_by(District.sort_order)).all())
    top = sorted(by["occupation"], key=lambda i: (-by["occupation"][i]["registered"], i))
    top = top[:TOP_OCCUPATIONS]
    occupations = dict(db.session.execute(
        sa.select(Occupation.id, Occupation.name).where(Occupation.id.in_(top))).all()) if top else {}
    counted, target, pct = rules.apprentice_target_progress(
        {year: c["registered"] for year, c in by["year"].items()})
    first, last = rules.APPRENTICE_TARGET_YEARS
    return {
        "totals": totals,
        "by_district": [{"key": code, "label": name, "counts": by["district"][code]}
                        for code, name in names.items() if code in by["district"]],
        "by_occupation": [{"key": i, "label": occupations.get(i, str(i)),
                           "counts": by["occupation"][i]} for i in top],
        "by_level": [{"key": lv, "label": rules.LEVEL_LABELS[lv], "counts": by["level"][lv]}
                     for lv in rules.LEVELS if lv in by["level"]],
        "by_year": [{"key": y, "label": f"{y}年", "counts": by["year"][y]}
                    for y in sorted(by["year"])],
        "target": {"counted": counted, "target": target, "pct": pct, "first": first,
                   "last": last},
    }


def quality_figures(user, params) -> dict:
    """AP-P4 over the approved programmes in scope, exactly the quality page's set."""
    ids = list(db.session.scalars(programmes_for(user).where(
        Programme.state == ReviewState.APPROVED).with_only_columns(Programme.id)))
    found = quality.programme_rates(ids, params=params)
    attended = sum(r.attended for r in found.values())
    expected = sum(r.expected for r in found.values())
    withdrawn = sum(r.withdrawn for r in found.values())
    enrolled = sum(r.enrolled for r in found.values())
    return {
        "programmes": len(ids),
        "alerts": sum(1 for r in found.values() if r.alert),
        "low_attendance": sum(1 for r in found.values() if r.low_attendance),
        "high_attrition": sum(1 for r in found.values() if r.high_attrition),
        "attended": attended, "expected": expected, "withdrawn": withdrawn,
        "enrolled": enrolled,
        "attendance_pct": rules.attendance_rate_pct(attended, expected),
        "attrition_pct": rules.attrition_rate_pct(withdrawn, enrolled),
    }


def held_claims(user) -> sa.Select:
    """Apprenticeship claims approved and waiting for payment (the claims list, state approved)."""
    return claims_for(user).where(Claim.programme_id.is_not(None),
                                  Claim.state == ClaimState.APPROVED)


def money_figures(user) -> dict:
    """AP-$6: the ledger's totals per kind (count and yuan) and the claims held for payment."""
    totals = ledger.ledger_totals(user, ledger.LedgerFilters())
    count, amount = db.session.execute(held_claims(user).with_only_columns(
        sa.func.count(), sa.func.coalesce(sa.func.sum(Claim.payable), 0))).one()
    found = {kind: totals[kind] for kind in MONEY_KINDS}
    found["held"] = {"count": int(count), "amount": int(amount)}
    return found


def hs_trainees(year: int) -> sa.Select:
    """HS-P2: the trainees on the lists of this year's projects (not taken off by a change)."""
    return (sa.select(HsTrainee).join(HsProposal, HsProposal.id == HsTrainee.proposal_id)
            .where(HsProposal.year == year, HsTrainee.removed_at.is_(None)))


def hs_figures(year: int, params) -> dict:
    trainees = db.session.scalar(hs_trainees(year).with_only_columns(sa.func.count()))
    quota = db.session.scalar(sa.select(HsYearTally.approved_quota)
                              .where(HsYearTally.year == year))
    return {"year": year, "trainees": int(trainees or 0), "quota": int(quota or 0),
            "cap": params["hs_annual_cap"]}


def figure_set(user, district: str, day: date) -> dict:
    """Every figure of the scope: the city (district "") or one district (C-DIST)."""
    params = parameters_on(day)
    return {
        "district": district,
        "params": {key: params[key] for key in
                   ("attendance_alert_below_pct", "attrition_alert_above_pct", "hs_annual_cap")},
        "enrolments": enrolment_figures(district),
        "quality": quality_figures(user, params),
        "money": money_figures(user),
        "hs": None if district else hs_figures(day.year, params),
    }
