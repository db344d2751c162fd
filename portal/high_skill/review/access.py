"""Who assigns, scores and decides in the expert review (HS-W3).

Registered as actions on HsProposal (`can(user, "score", proposal)`), so a button is shown
exactly when the POST would be accepted. Experts are limited to their assigned proposals by
`portal.high_skill.access.proposals_for`; the conflict of interest (an expert of the host)
is checked here again because an expert's organisation may change after assignment.
"""

import sqlalchemy as sa

from portal.extensions import db
from portal.high_skill.access import action, proposals_for
from portal.models import HsAssignment, HsProposal, ProposalState, Role, User
from portal.rules.high_skill import hs_conflict_of_interest


def _centre_on_submitted(user, proposal: HsProposal) -> bool:
    return user.role == Role.CENTER and proposal.state == ProposalState.SUBMITTED


def conflicted(expert, proposal: HsProposal) -> bool:
    """HS-W3: the expert belongs to the host organisation."""
    return hs_conflict_of_interest(expert.org_id, proposal.host_id)


def assignment_of(user, proposal: HsProposal) -> HsAssignment | None:
    """The user's own assignment to `proposal` (None for anyone else)."""
    if user.role != Role.EXPERT or proposal.id is None:
        return None
    return db.session.scalar(sa.select(HsAssignment).where(
        HsAssignment.proposal_id == proposal.id, HsAssignment.expert_id == user.id))


def my_assignments(user) -> sa.Select:
    """The proposals assigned to the expert, each with the expert's own assignment row
    (columns HsProposal, HsAssignment); nothing for anyone else."""
    return (proposals_for(user).add_columns(HsAssignment)
            .join(HsAssignment, sa.and_(HsAssignment.proposal_id == HsProposal.id,
                                        HsAssignment.expert_id == user.id)))


def unscored_by(user):
    """HS-W3: the condition "the user has an unscored assignment on this proposal"."""
    return sa.exists().where(HsAssignment.proposal_id == HsProposal.id,
                             HsAssignment.expert_id == user.id,
                             HsAssignment.scored_at.is_(None))


def assignable_experts(proposal: HsProposal) -> sa.Select:
    """HS-W3: active expert accounts not yet assigned and not of the host organisation."""
    taken = sa.select(HsAssignment.expert_id).where(HsAssignment.proposal_id == proposal.id)
    return (sa.select(User)
            .where(User.role == Role.EXPERT, User.is_active_account.is_(True),
                   User.id.not_in(taken),
                   sa.or_(User.org_id.is_(None), User.org_id != proposal.host_id))
            .order_by(User.display_name, User.id))


@action("assign")
def _assign(user, proposal: HsProposal) -> bool:
    return _centre_on_submitted(user, proposal)


@action("score")
def _score(user, proposal: HsProposal) -> bool:
    """Editable until the centre decides; only by the assigned expert without a conflict."""
    if user.role != Role.EXPERT or proposal.state != ProposalState.SUBMITTED:
        return False
    return not conflicted(user, proposal) and assignment_of(user, proposal) is not None


@action("approve")
def _approve(user, proposal: HsProposal) -> bool:
    return _centre_on_submitted(user, proposal)


@action("reject")
def _reject(user, proposal: HsProposal) -> bool:
    return _centre_on_submitted(user, proposal)
