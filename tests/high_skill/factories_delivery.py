"""Factories of the delivery tests: a filed high-skill project of a host, with listed trainees
who each have a phone account (Role.TRAINEE), and its sessions."""

import itertools
from datetime import date, timedelta

from portal import clock
from portal.extensions import db
from portal.models import (
    ClassSession,
    HsCall,
    HsProposal,
    HsTrainee,
    OrgKind,
    ProposalState,
    ReviewState,
    Role,
)
from portal.models.base import utcnow
from tests.enrolment_factories import resident_id
from tests.factories import make_org, make_user

_seq = itertools.count(1)


def make_host_user(role: Role = Role.ENTERPRISE):
    """A confirmed host organisation and its user (an enterprise, institution or `host`)."""
    kind = {Role.ENTERPRISE: OrgKind.ENTERPRISE, Role.INSTITUTION: OrgKind.INSTITUTION,
            Role.HOST: OrgKind.HOST}[role]
    org = make_org(kind, state=ReviewState.APPROVED)
    return make_user(role, org=org)


def make_project(host_user, *, state: ProposalState = ProposalState.FILED,
                 starts_on: date | None = None, ends_on: date | None = None,
                 **fields) -> HsProposal:
    """A filed project (list and plan filed) of the host user's organisation: 96 hours by
    default (48 on-site, 16 keynote, 16 seminar, 8 exchange, 8 visit)."""
    today = clock.today()
    starts_on = starts_on or today - timedelta(days=10)
    ends_on = ends_on or today + timedelta(days=10)
    call = HsCall(year=ends_on.year, quarter=1, title="高技能人才研修项目征集",
                  directions="智能制造", opens_on=date(ends_on.year, 1, 1),
                  closes_on=date(ends_on.year, 3, 31))
    db.session.add(call)
    db.session.flush()
    values = dict(
        call_id=call.id, host_id=host_user.org_id, year=ends_on.year,
        title=f"数控加工新技术研修班{next(_seq)}", direction="智能制造", occupations="车工",
        hours_onsite=48, hours_keynote=16, hours_seminar=16, hours_exchange=8, hours_visit=8,
        hours_online=0, planned_trainees=20, class_size=20, starts_on=starts_on,
        ends_on=ends_on, attests_no_subcontracting=True, state=state, quota=20,
        filed_version=1 if state in (ProposalState.FILED, ProposalState.COMPLETED) else 0)
    values.update(fields)
    project = HsProposal(**values)
    db.session.add(project)
    db.session.commit()
    return project


def make_hs_trainee(project: HsProposal, *, with_user: bool = True, **fields) -> HsTrainee:
    """A trainee on the project's list, with a phone account unless `with_user` is False."""
    n = next(_seq)
    user = make_user(Role.TRAINEE) if with_user else None
    values = dict(
        proposal_id=project.id, name=f"学员{n}",
        resident_id=resident_id(birth=f"1985{(n % 12) + 1:02d}{(n % 28) + 1:02d}"),
        phone="13900000000", employer_name="北京精工机械有限公司", post="数控车工",
        occupation="车工", level="technician", certificate_number=f"CERT{n:08d}",
        insured_months=36, user_id=user.id if user else None)
    values.update(fields)
    trainee = HsTrainee(**values)
    db.session.add(trainee)
    db.session.commit()
    return trainee


def user_of(trainee: HsTrainee):
    from portal.models import User

    return db.session.get(User, trainee.user_id)


def make_hs_session(project: HsProposal, *, hours: int = 4, hs_format: str = "onsite",
                    starts_at=None, closed: bool = False, **fields) -> ClassSession:
    values = dict(title=f"研修课{next(_seq)}", starts_at=starts_at or utcnow() - timedelta(minutes=1),
                  late_after_minutes=10, closed_at=utcnow() if closed else None)
    values.update(fields)
    session = ClassSession(hs_proposal_id=project.id, programme_id=None, org_id=project.host_id,
                           hs_format=hs_format, hs_hours=hours, **values)
    db.session.add(session)
    db.session.commit()
    return session


def give_summary(trainee: HsTrainee) -> None:
    """HS-P5: the trainee's work summary, stored through the real upload service."""
    from werkzeug.datastructures import FileStorage

    from portal.core import files as documents
    from portal.models import DocumentKind, Organisation
    from tests.factories import PDF_BYTES, upload

    project = db.session.get(HsProposal, trainee.proposal_id)
    file = FileStorage(stream=upload(PDF_BYTES, "总结.pdf")[0], filename="总结.pdf")
    doc = documents.store(None, file, DocumentKind.HS_WORK_SUMMARY,
                          db.session.get(Organisation, project.host_id))
    trainee.summary_document_id = doc.id
    trainee.summary_uploaded_at = utcnow()
    db.session.commit()


def attend(trainee: HsTrainee, *sessions: ClassSession) -> None:
    from portal.models import CheckIn

    for session in sessions:
        db.session.add(CheckIn(session_id=session.id, hs_trainee_id=trainee.id,
                               checked_at=session.starts_at))
    db.session.commit()


def ended_project(host_user, days_ago: int = 1, **fields) -> HsProposal:
    """A filed project that ended `days_ago` Beijing days ago."""
    today = clock.today()
    return make_project(host_user, starts_on=today - timedelta(days=days_ago + 20),
                        ends_on=today - timedelta(days=days_ago), **fields)


def assess_all(trainee: HsTrainee, verdict: str = "pass") -> None:
    """Set the HS-W7 scores and verdict directly (for completion tests)."""
    from portal.models import HsVerdict

    score = 1 if verdict == "pass" else 0
    trainee.score_attendance = trainee.score_attitude = 1
    trainee.score_participation = 1
    trainee.score_summary = score
    trainee.verdict = HsVerdict(verdict)
    trainee.assessed_at = utcnow()
    db.session.commit()
