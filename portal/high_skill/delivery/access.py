"""Who runs a project's delivery: the host of a filed project opens sessions, takes summaries,
assesses and files the completion; the centre reads. Registered into the high-skill action
table, so `can(user, "assess", proposal)` reads one table.

Every can() evaluates every registered action, so these stay free of queries; the services
check the rest (dates, the trainee's listing) with their own messages.
"""

import sqlalchemy as sa

from portal.high_skill.access import action, owns, proposals_for
from portal.models import ClassSession, HsProposal, ProposalState, Role


def _running(user, proposal: HsProposal) -> bool:
    return owns(user, proposal) and proposal.state == ProposalState.FILED


@action("open_session")
def _open_session(user, proposal: HsProposal) -> bool:
    return _running(user, proposal)


@action("upload_summary")
def _upload_summary(user, proposal: HsProposal) -> bool:
    # HS-P5: a trainee uploads their own (the service checks the listing); replace allowed
    # until the completion filing.
    return (_running(user, proposal)
            or (user.role == Role.TRAINEE and proposal.state == ProposalState.FILED))


@action("assess")
def _assess(user, proposal: HsProposal) -> bool:
    return _running(user, proposal)


@action("file_completion")
def _file_completion(user, proposal: HsProposal) -> bool:
    return _running(user, proposal)


@action("view_delivery")
def _view_delivery(user, proposal: HsProposal) -> bool:
    delivered = proposal.state in (ProposalState.FILED, ProposalState.COMPLETED)
    return delivered and (owns(user, proposal) or user.role == Role.CENTER)


def hs_sessions_for(user) -> sa.Select:
    """The class sessions of the high-skill projects the user sees (host: its own)."""
    projects = proposals_for(user).with_only_columns(HsProposal.id)
    return sa.select(ClassSession).where(ClassSession.hs_proposal_id.in_(projects))
