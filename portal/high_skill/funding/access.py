"""Who may claim, issue certificates and record checks on a project (HS-$1, HS-W9, HS-W10).

Registered into portal.high_skill.access, so `can(user, "claim", project)` reads one table;
the services check again with the facts of the moment.
"""

from portal.extensions import db
from portal.high_skill.access import action, owns
from portal.models import Organisation, ProposalState, Role

# HS-W10: a project can be checked once it exists (approved) and after completion.
CHECKABLE = (ProposalState.APPROVED, ProposalState.FILED, ProposalState.COMPLETED)


def host_disqualified(proposal) -> bool:
    """HS-$2: the host lost its right to host (取消承办资格)."""
    host = db.session.get(Organisation, proposal.host_id)
    return host is not None and host.hs_disqualified_at is not None


@action("claim")
def _claim(user, proposal) -> bool:
    return (owns(user, proposal) and proposal.state == ProposalState.COMPLETED
            and not host_disqualified(proposal))


@action("issue_certificates")
def _issue_certificates(user, proposal) -> bool:
    return user.role == Role.CENTER and proposal.state == ProposalState.COMPLETED


@action("record_check")
def _record_check(user, proposal) -> bool:
    return user.role == Role.CENTER and proposal.state in CHECKABLE
