"""The faces of the delivery pages: the host's (enterprise, institution, host blueprints)
and the centre's (read-only), and the loaders every page goes through."""

from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.delivery.access import hs_sessions_for
from portal.models import ClassSession, HsProposal, HsTrainee
from portal.web.routes import RoleView


@dataclass(frozen=True)
class DeliveryView(RoleView):
    host: bool = True


VIEWS = {name: DeliveryView(blueprint=name) for name in HOST_BLUEPRINTS}
VIEWS["center"] = DeliveryView(blueprint="center", host=False)


def load_project(proposal_id: int, action: str = "view_delivery") -> HsProposal:
    return get_or_404_for(current_user, HsProposal, proposal_id, action,
                          options=(joinedload(HsProposal.host),))


def load_session(session_id: int) -> ClassSession:
    session = db.session.scalar(hs_sessions_for(current_user)
                                .where(ClassSession.id == session_id))
    if session is None:
        abort(404)
    return session


def load_trainee(proposal: HsProposal, trainee_id: int) -> HsTrainee:
    trainee = db.session.get(HsTrainee, trainee_id)
    if trainee is None or trainee.proposal_id != proposal.id or trainee.removed_at is not None:
        abort(404)
    return trainee
