"""The one definition of each enrolment figure: the dashboard counts with these clauses and
the report list filters with them, so a figure always equals its list's total (issue 14)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort, request

from portal import rules
from portal.apprenticeship.quality.services import ESTABLISHED_STATES
from portal.models import Assessment, Enrolment, EnrolmentState, Programme, Role, Verdict

# The states a figure counts (whitelisted query values); every one is an established record.
STATES = {
    "registered": "建立学籍",
    "active": "在训",
    "passed": "考核合格",
    "withdrawn": "退出（流失）",
}
FIRST_YEAR, LAST_YEAR = 2000, 2100


def state_clause(state: str) -> sa.ColumnElement[bool]:
    """AP-T1, AP-P4: what "registered / in training / passed / withdrawn" mean, once."""
    established = Enrolment.state.in_(ESTABLISHED_STATES)
    match state:
        case "active":
            return Enrolment.state == EnrolmentState.ACTIVE
        case "withdrawn":
            return Enrolment.state == EnrolmentState.WITHDRAWN
        case "passed":
            passed = sa.select(Assessment.enrolment_id).where(
                Assessment.agreed_verdict == Verdict.PASSED)
            return sa.and_(established, Enrolment.id.in_(passed))
    return established


def year_clause(first: int, last: int) -> sa.ColumnElement[bool]:
    """Enrolments whose student record was established in the years first..last."""
    return sa.and_(Enrolment.established_on >= date(first, 1, 1),
                   Enrolment.established_on < date(last + 1, 1, 1))


@dataclass(frozen=True)
class ReportFilters:
    state: str = "registered"
    district: str = ""
    occupation_id: int | None = None
    level: str = ""
    year: int | None = None
    target: bool = False  # AP-T1: only the plan period 2021–2025

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        where = [state_clause(self.state)]
        if self.district:
            where.append(Enrolment.district_code == self.district)
        if self.occupation_id is not None:
            where.append(Programme.occupation_id == self.occupation_id)
        if self.level:
            where.append(Programme.level == self.level)
        if self.year is not None:
            where.append(year_clause(self.year, self.year))
        if self.target:
            where.append(year_clause(*rules.APPRENTICE_TARGET_YEARS))
        return where

    def query_args(self) -> dict[str, str]:
        args = {"state": self.state, "district": self.district, "level": self.level,
                "occupation": "" if self.occupation_id is None else str(self.occupation_id),
                "year": "" if self.year is None else str(self.year),
                "target": "1" if self.target else ""}
        return {k: v for k, v in args.items() if v}


def _int(raw: str, low: int, high: int) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 \
        and low <= int(raw) <= high else None


def forced_district(user) -> str:
    """C-DIST: a district user's own district, whatever was asked; another one is a 404.

    The centre may ask for any district (an unknown code simply matches nothing)."""
    asked = request.args.get("district", "")[:6]
    if user.role == Role.DISTRICT:
        if asked and asked != user.district_code:
            abort(404)
        return user.district_code
    return asked if asked.isascii() and asked.isdigit() else ""


def filters_from_request(user) -> ReportFilters:
    """Whitelisted query-string filters; junk values are ignored, never an error."""
    args = request.args
    state = args.get("state", "registered")
    level = args.get("level", "")
    return ReportFilters(
        state=state if state in STATES else "registered",
        district=forced_district(user),
        occupation_id=_int(args.get("occupation", ""), 1, 10**9),
        level=level if level in rules.LEVELS else "",
        year=_int(args.get("year", ""), FIRST_YEAR, LAST_YEAR),
        target=args.get("target") == "1",
    )
