"""HS-W9: the centre issues the completion certificate to everyone on the filed roster.

One action for the whole roster, idempotent (a trainee already certified keeps their
certificate; the unique `hs_trainee_id` decides), through the shared certificate service,
so numbering, PDF and public verification are the apprenticeship's.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.certificates.issue import issue_for_hs_trainee
from portal.clock import today
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.high_skill.funding.roster import filed_roster
from portal.models import Certificate, HsProposal, HsTrainee, ProposalState, Role

ONLY_CENTRE = "只有市就业促进中心可以发放研修结业证书（规则 HS-W9）"
NOT_COMPLETED = "项目结业备案后才能发放结业证书（规则 HS-W9）"
NO_ROSTER = "尚未报送结业登记备案名册，不能发放结业证书（规则 HS-W9）"
NOT_ON_ROSTER = "该学员不在备案的结业名册中，不能发放结业证书（规则 HS-W9）"


@dataclass(frozen=True)
class Issued:
    issued: int  # new certificates
    already: int  # roster entries certified before


def _check(actor, proposal: HsProposal):
    if not can(actor, "issue_certificates", proposal):
        if proposal.state != ProposalState.COMPLETED and actor.role == Role.CENTER:
            raise ServiceError(NOT_COMPLETED)
        raise NotAllowed(ONLY_CENTRE)
    roster = filed_roster(proposal.id)
    if roster is None or not roster.entries:
        raise ServiceError(NO_ROSTER)
    return roster


def _real_trainees(proposal_id: int, ids: frozenset[int]) -> set[int]:
    """The roster's trainee ids that are trainees of this very project (a snapshot cannot
    certify someone of another project)."""
    return set(db.session.scalars(sa.select(HsTrainee.id).where(
        HsTrainee.proposal_id == proposal_id, HsTrainee.id.in_(ids))))


def issue_certificates(actor, proposal: HsProposal, day: date | None = None) -> Issued:
    """HS-W9, C-AUD: a certificate for each trainee on the filed roster not yet certified."""
    roster = _check(actor, proposal)
    day = day or today()
    real = _real_trainees(proposal.id, roster.trainee_ids)
    if len(real) != roster.size:
        raise ServiceError(NOT_ON_ROSTER)
    occupation = proposal.occupations.splitlines()[0].strip() if proposal.occupations else ""
    issued = 0
    for entry in roster.entries:
        made = issue_for_hs_trainee(actor, entry.trainee_id, entry.name, proposal.title,
                                    entry.occupation or occupation, day)
        issued += made is not None
    db.session.flush()
    return Issued(issued, roster.size - issued)


def issue_for_trainee(actor, proposal: HsProposal, trainee_id: int,
                      day: date | None = None) -> Certificate:
    """HS-W9: one trainee's certificate (a re-issue after a correction); refused for anyone
    not on the filed roster."""
    roster = _check(actor, proposal)
    entry = next((e for e in roster.entries if e.trainee_id == trainee_id), None)
    if entry is None or not _real_trainees(proposal.id, frozenset({trainee_id})):
        raise ServiceError(NOT_ON_ROSTER)
    made = issue_for_hs_trainee(actor, trainee_id, entry.name, proposal.title,
                                entry.occupation, day or today())
    if made is None:
        made = db.session.scalar(
            sa.select(Certificate).where(Certificate.hs_trainee_id == trainee_id))
    db.session.flush()
    return made


def certificates_of(proposal_id: int) -> dict[int, Certificate]:
    """The project's certificates by trainee id, in one query."""
    rows = db.session.scalars(
        sa.select(Certificate).join(HsTrainee, HsTrainee.id == Certificate.hs_trainee_id)
        .where(HsTrainee.proposal_id == proposal_id))
    return {c.hs_trainee_id: c for c in rows}
