"""Active programmes in a district, its staff, and the programme's parties (AP-V1 tests)."""

from datetime import timedelta

from portal.clock import today
from portal.models import ReviewState, Role
from tests.factories import make_user
from tests.programme_factories import make_programme

CHAOYANG, HAIDIAN = "110105", "110108"


def active_programme(district: str = CHAOYANG, **fields):
    """Approved and in training today (begun a month ago, a year long)."""
    fields.setdefault("start_date", today() - timedelta(days=30))
    fields.setdefault("duration_months", 12)
    return make_programme(state=ReviewState.APPROVED, district=district, **fields)


def district_staff(district: str = CHAOYANG):
    return make_user(Role.DISTRICT, district=district)


def parties(programme):
    """One account of the programme's enterprise and one of its institution."""
    from portal.extensions import db
    from portal.models import Organisation

    enterprise = db.session.get(Organisation, programme.enterprise_id)
    institution = db.session.get(Organisation, programme.institution_id)
    return (make_user(Role.ENTERPRISE, org=enterprise),
            make_user(Role.INSTITUTION, org=institution))


def inspection_form(**overrides) -> dict:
    data = {"kind": "onsite", "inspected_on": today().isoformat(), "method": "现场查看",
            "result": "problems", "findings": "签到记录与现场人数不符"}
    data.update(overrides)
    return data
