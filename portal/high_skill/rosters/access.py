"""Who may edit, file and change a project's trainee list (HS-W4, HS-W5).

The host edits the list only while the project is approved and not yet filed; once filed,
only a filed change (with a reason, before the project's end) alters it. The centre reads.
"""

from portal.high_skill.access import action, owns
from portal.models import HsProposal, ProposalState, Role


def is_open_list(proposal: HsProposal) -> bool:
    """HS-W4: the list is still a draft of the host's (approved, nothing filed yet)."""
    return proposal.state == ProposalState.APPROVED and proposal.filed_version == 0


@action("edit_trainees")
def _edit_trainees(user, proposal: HsProposal) -> bool:
    return owns(user, proposal) and is_open_list(proposal)


@action("file_list")
def _file_list(user, proposal: HsProposal) -> bool:
    return owns(user, proposal) and is_open_list(proposal)


@action("file_change")
def _file_change(user, proposal: HsProposal) -> bool:
    # HS-W5: the end-date limit is a rule checked (with its message) by the service.
    return owns(user, proposal) and proposal.state == ProposalState.FILED


@action("view_trainee_list")
def _view_list(user, proposal: HsProposal) -> bool:
    return user.role == Role.CENTER or owns(user, proposal)


@action("issue_trainee_password")
def _issue_trainee_password(user, proposal: HsProposal) -> bool:
    # Accounts exist from the filing on; the trainee needs one until the summary is in.
    return owns(user, proposal) and proposal.state in (ProposalState.FILED,
                                                       ProposalState.COMPLETED)
