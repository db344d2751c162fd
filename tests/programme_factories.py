"""Factories for programmes: occupations, catalogue lists, a confirmed institution."""

import itertools
from datetime import date

from portal.extensions import db
from portal.models import (
    CatalogueItem,
    CatalogueKind,
    CatalogueVersion,
    Occupation,
    OrgKind,
    Programme,
    ReviewState,
    Role,
    institution_occupation,
)
from tests.factories import make_org, make_user

_seq = itertools.count(1)
START = date(2026, 3, 1)


def make_occupation(name: str = "车工", **fields) -> Occupation:
    n = next(_seq)
    occupation = Occupation(code=f"6-18-{n // 100:02d}-{n % 100:02d}", name=f"{name}{n}",
                            levels="intermediate,advanced,technician,senior_technician", **fields)
    db.session.add(occupation)
    db.session.commit()
    return occupation


def put_on_list(kind: CatalogueKind, occupations, since: date = date(2022, 1, 1)) -> CatalogueVersion:
    version = CatalogueVersion(kind=kind, effective_from=since)
    version.items = [CatalogueItem(occupation_id=o.id) for o in occupations]
    db.session.add(version)
    db.session.commit()
    return version


def make_institution(occupations, district: str = "110108", **fields):
    values = dict(institution_type="technical_school", independent_legal_person=True,
                  licence_no="许可001", licence_authority="市人社局",
                  licence_valid_from=date(2020, 1, 1), licence_valid_to=None,
                  attests_conditions=True)
    values.update(fields)
    values.setdefault("state", ReviewState.APPROVED)
    org = make_org(OrgKind.INSTITUTION, district, **values)
    db.session.execute(institution_occupation.insert(),
                       [{"org_id": org.id, "occupation_id": o.id} for o in occupations])
    db.session.commit()
    return org


def plan(occupation, institution, **overrides) -> dict:
    """Valid form data for an intermediate programme (AP-C1 1:3:6, AP-C4 40 credits)."""
    data = {
        "occupation_id": occupation.id, "level": "intermediate", "institution_id": institution.id,
        "planned_count": 20, "start_date": START, "duration_months": 12, "extension_reason": "",
        "general_hours": 40, "theory_hours": 120, "practice_hours": 240,
        "centralised_hours": 160, "on_job_hours": 240, "delivery_modes": ["face_to_face", "on_the_job"],
        "textbooks": "《车工工艺学》", "entrusted_enterprise_id": None,
    }
    data.update(overrides)
    return data


def form_data(data: dict) -> dict:
    """The same plan as a browser would post it."""
    posted = {k: ("" if v is None else v) for k, v in data.items()}
    posted["start_date"] = data["start_date"].isoformat()
    return posted


def make_programme(state: ReviewState = ReviewState.SUBMITTED, district: str = "110105",
                   confirmed: bool = True, enterprise=None, occupation=None, institution=None,
                   **fields) -> Programme:
    occupation = occupation or make_occupation()
    institution = institution or make_institution([occupation])
    enterprise = enterprise or make_org(district=district, state=ReviewState.APPROVED)
    values = plan(occupation, institution)
    values["delivery_modes"] = ",".join(values["delivery_modes"])
    values.update(fields)
    programme = Programme(enterprise_id=enterprise.id, district_code=enterprise.district_code,
                          state=state, **values)
    if confirmed:
        from portal.models.base import utcnow

        programme.institution_confirmed_at = utcnow()
    db.session.add(programme)
    db.session.commit()
    return programme


def approved_enterprise_user(district: str = "110105", **fields):
    org = make_org(district=district, state=ReviewState.APPROVED, **fields)
    return make_user(Role.ENTERPRISE, org=org)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
