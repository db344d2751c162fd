"""Who sees inspections and samples (AP-V1, C-DIST).

A district sees and records its own district's; the centre sees all; an enterprise or an
institution reads the inspections of its own programmes (never a sample: which programmes
are due for a visit is the district's business).
"""

import sqlalchemy as sa

from portal.apprenticeship.programmes.access import programme_scope
from portal.core.access import in_district, register
from portal.models import Inspection, InspectionSample, Programme, Role


def inspections_for(user) -> sa.Select:
    q = sa.select(Inspection)
    match user.role:
        case Role.DISTRICT:
            return q.where(in_district(user, Inspection.district_code))
        case Role.CENTER:
            return q
        case Role.ENTERPRISE | Role.INSTITUTION:
            mine = sa.select(Programme.id).where(programme_scope(user))
            return q.where(Inspection.programme_id.in_(mine))
    return q.where(sa.false())


def samples_for(user) -> sa.Select:
    q = sa.select(InspectionSample)
    match user.role:
        case Role.DISTRICT:
            return q.where(in_district(user, InspectionSample.district_code))
        case Role.CENTER:
            return q
    return q.where(sa.false())


def records_in(user, district_code: str) -> bool:
    """AP-V1, C-DIST: only the district's own staff draw samples and record inspections."""
    return user.role == Role.DISTRICT and user.district_code == district_code


def _inspection_permissions(user, inspection: Inspection) -> dict[str, bool]:
    # Reaching the record went through inspections_for, which is the real check.
    return {"view": True}


def _sample_permissions(user, sample: InspectionSample) -> dict[str, bool]:
    return {"view": True, "record": records_in(user, sample.district_code)}


register(Inspection, inspections_for, _inspection_permissions)
register(InspectionSample, samples_for, _sample_permissions)
