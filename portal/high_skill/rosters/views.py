"""Each role's face of the roster pages, and loading a project through the user's scope."""

from dataclasses import dataclass

from flask_login import current_user

from portal.core.access import get_or_404_for
from portal.high_skill import HOST_BLUEPRINTS
from portal.models import HsProposal, HsTrainee
from portal.web.routes import RoleView, current_view


@dataclass(frozen=True)
class RosterView(RoleView):
    host: bool = False  # the host edits, files and changes; the centre reads


VIEWS = {**{name: RosterView(blueprint=name, host=True) for name in HOST_BLUEPRINTS},
         "center": RosterView(blueprint="center")}


def view() -> RosterView:
    return current_view(VIEWS)


def load_project(proposal_id: int, action: str = "view_trainee_list") -> HsProposal:
    """The project in the user's scope (404 outside it), allowed `action` (else 403)."""
    return get_or_404_for(current_user, HsProposal, proposal_id, action)


def load_trainee(trainee_id: int) -> tuple[HsTrainee, HsProposal]:
    trainee = get_or_404_for(current_user, HsTrainee, trainee_id)
    return trainee, load_project(trainee.proposal_id)
