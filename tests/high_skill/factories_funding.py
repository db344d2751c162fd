"""Completed high-skill projects with a filed completion roster (HS-W8), written directly
(filing is another area's work), for certificates, funding and checks (HS-W9, HS-W10,
HS-$1, HS-$2)."""

import itertools
from datetime import date, timedelta

from portal import clock
from portal.extensions import db
from portal.models import (
    Claim,
    ClaimKind,
    ClaimState,
    FilingKind,
    Fund,
    FundSource,
    HsCall,
    HsFiling,
    HsProposal,
    HsTrainee,
    HsVerdict,
    OrgKind,
    ProposalState,
    ReviewState,
    Role,
)
from tests.enrolment_factories import resident_id
from tests.factories import make_org, make_user

_seq = itertools.count(1)
TODAY = clock.today()


def host(kind: OrgKind = OrgKind.ENTERPRISE, *, district: str = "110105", **fields):
    """(organisation, user) of an approved host; `kind` HOST is a university (HS-H1)."""
    if kind == OrgKind.HOST:
        fields = {"host_type": "university", "independent_legal_person": True,
                  "attests_conditions": True, "size": None, "attests_training_system": False,
                  **fields}
    org = make_org(kind, district, ReviewState.APPROVED, **fields)
    return org, make_user(Role(kind.value), org=org)


def _call(year: int) -> HsCall:
    call = HsCall(year=year, quarter=1, title=f"{year}年第一季度研修项目征集",
                  directions="智能制造", opens_on=date(year, 1, 1), closes_on=date(year, 3, 31))
    db.session.add(call)
    db.session.flush()
    return call


def completed_project(org=None, *, size: int = 20, state=ProposalState.COMPLETED,
                      filed: bool = True, with_users: bool = False,
                      year: int | None = None) -> tuple[HsProposal, list[HsTrainee]]:
    """A project that ran this year and whose completion roster of `size` passed trainees
    is filed (`filed=False`: not yet); `with_users` gives each trainee a phone account."""
    if org is None:
        org, _user = host()
    year = year or TODAY.year
    starts_on = max(date(year, 1, 5), min(TODAY, date(year, 12, 31)) - timedelta(days=40))
    ends_on = starts_on + timedelta(days=10)
    project = HsProposal(
        call_id=_call(year).id, host_id=org.id, year=year,
        title=f"智能制造新技术研修{next(_seq)}", occupations="6-18-01-01 数控车工",
        starts_on=starts_on, ends_on=ends_on, venue="北京市朝阳区技能大厦",
        hours_onsite=40, hours_keynote=24, hours_seminar=12, hours_exchange=8,
        planned_trainees=size, class_size=size, attests_no_subcontracting=True,
        state=state, quota=max(size, 20), filed_version=1)
    db.session.add(project)
    db.session.flush()
    trainees = []
    for _ in range(size):
        n = next(_seq)
        user = make_user(Role.TRAINEE) if with_users else None
        trainees.append(HsTrainee(
            proposal_id=project.id, name=f"学员{n}", resident_id=resident_id(),
            employer_name="北京精工机械有限公司", post="数控车工", occupation="数控车工",
            level="technician", certificate_number=f"S{n:010d}", insured_months=24,
            verdict=HsVerdict.PASS, user_id=user.id if user else None))
    db.session.add_all(trainees)
    db.session.flush()
    if filed:
        file_roster(project, trainees, version=2)
    db.session.commit()
    return project, trainees


def roster_entry(t: HsTrainee) -> dict:
    return {"trainee_id": t.id, "name": t.name, "resident_id": t.resident_id,
            "employer_name": t.employer_name, "post": t.post, "occupation": t.occupation,
            "level": t.level, "certificate_number": t.certificate_number}


def file_roster(project: HsProposal, trainees: list[HsTrainee], *, version: int,
                extra: list[dict] = ()) -> HsFiling:
    filing = HsFiling(proposal_id=project.id, version=version, kind=FilingKind.COMPLETION,
                      filed_on=project.ends_on + timedelta(days=3),
                      snapshot={"roster": [roster_entry(t) for t in trainees] + list(extra)},
                      summary="研修工作总结")
    db.session.add(filing)
    db.session.commit()
    return filing


def centre():
    return make_user(Role.CENTER)


def employment_fund(available: int = 1_000_000, year: int = TODAY.year) -> Fund:
    fund = Fund(year=year, source=FundSource.EMPLOYMENT_FUND, available=available)
    db.session.add(fund)
    db.session.commit()
    return fund


def hs_claim(project: HsProposal, state: ClaimState = ClaimState.APPROVED,
             payable: int | None = None) -> Claim:
    """A high-skill claim written directly in `state` (for payment and recovery tests)."""
    from portal.models import Organisation

    org = db.session.get(Organisation, project.host_id)
    size = project.planned_trainees
    claim = Claim(number=f"YXT{next(_seq):06d}", kind=ClaimKind.HS_FUNDING,
                  hs_proposal_id=project.id, enterprise_id=org.id,
                  district_code=org.district_code, state=state, headcount=size,
                  payable=size * 5000 if payable is None else payable, recoverable=0)
    db.session.add(claim)
    db.session.commit()
    return claim
