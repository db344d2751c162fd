"""HS-W2: what a host may do with its own proposal, registered into the high-skill action
table (`can(user, "submit", proposal)`)."""

import sqlalchemy as sa

from portal.extensions import db
from portal.high_skill.access import action, owns
from portal.models import HsAssignment, HsProposal, ProposalState


def reviewing_started(proposal: HsProposal) -> bool:
    """An expert has already scored the proposal: withdrawing would waste the review."""
    return db.session.scalar(
        sa.select(sa.exists().where(HsAssignment.proposal_id == proposal.id,
                                    HsAssignment.scored_at.is_not(None)))) or False


@action("edit")
def _edit(user, proposal: HsProposal) -> bool:
    return owns(user, proposal) and proposal.state == ProposalState.DRAFT


@action("submit")
def _submit(user, proposal: HsProposal) -> bool:
    return owns(user, proposal) and proposal.state == ProposalState.DRAFT


@action("withdraw")
def _withdraw(user, proposal: HsProposal) -> bool:
    # The query runs only for the owner of a submitted proposal (every can() evaluates
    # every registered action, so the cheap tests come first).
    return (owns(user, proposal) and proposal.state == ProposalState.SUBMITTED
            and not reviewing_started(proposal))
