"""Calls and hosts of the high-skill programme (HS-W1, HS-H1), for any HS test.

`make_call` writes the row directly (a past or future call the service would refuse to
create today); `make_host` an approved organisation with its user, ready to host.
"""

from datetime import date, datetime

from portal import clock
from portal.extensions import db
from portal.models import HostType, HsCall, OrgKind, ReviewState, Role
from tests.factories import make_org, make_user


def this_year_call_dates() -> tuple[date, date]:
    """A whole-year call: open on any day a test runs."""
    year = clock.today().year
    return date(year, 1, 1), date(year, 12, 31)


def make_call(opens_on: date | None = None, closes_on: date | None = None, *,
              year: int | None = None, quarter: int = 1, title: str = "2026年第一季度研修项目征集",
              directions: str = "智能制造\n集成电路\n生物医药") -> HsCall:
    default_open, default_close = this_year_call_dates()
    opens_on = opens_on or default_open
    closes_on = closes_on or default_close
    call = HsCall(year=year or closes_on.year, quarter=quarter, title=title,
                  directions=directions, opens_on=opens_on, closes_on=closes_on)
    db.session.add(call)
    db.session.commit()
    return call


def make_host(kind: OrgKind = OrgKind.ENTERPRISE, state: ReviewState = ReviewState.APPROVED,
              *, disqualified: bool = False, district: str = "110105", **fields):
    """(organisation, user) of a host; `kind` HOST makes a university (HS-H1)."""
    if kind == OrgKind.HOST:
        fields = {"host_type": HostType.UNIVERSITY.value, "independent_legal_person": True,
                  "attests_conditions": True, "size": None, "attests_training_system": False,
                  **fields}
    if kind == OrgKind.INSTITUTION:
        fields = {"institution_type": "technical_school", "independent_legal_person": True,
                  "attests_conditions": True, **fields}
    if disqualified:
        fields |= {"hs_disqualified_at": datetime(2026, 1, 5),
                   "hs_disqualified_reason": "虚报学员骗取补贴"}
    org = make_org(kind, district, state, **fields)
    return org, make_user(Role(kind.value), org=org)
