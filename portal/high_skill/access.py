"""Who sees and acts on high-skill projects (C-DIST for a municipal programme).

A host sees its own proposals; an expert only those assigned to them (HS-W3); the centre
all. Districts have no part in this programme. Each sub-domain registers the actions it
owns (`action`) so that `can(user, "submit", proposal)` reads one table.
"""

from collections.abc import Callable, Mapping

import sqlalchemy as sa

from portal.core.access import register
from portal.extensions import db
from portal.models import HsAssignment, HsProposal, HsTrainee, Role

HOST_ROLES = (Role.ENTERPRISE, Role.INSTITUTION, Role.HOST)

Action = Callable[[object, HsProposal], bool]
_ACTIONS: dict[str, Action] = {}


def action(name: str) -> Callable[[Action], Action]:
    """Register `name` as a permission on a proposal: `fn(user, proposal) -> bool`."""

    def decorate(fn: Action) -> Action:
        if name in _ACTIONS:
            raise ValueError(f"high-skill action {name!r} registered twice")
        _ACTIONS[name] = fn
        return fn

    return decorate


def is_host_user(user) -> bool:
    return user.role in HOST_ROLES and user.org_id is not None


def owns(user, proposal: HsProposal) -> bool:
    return is_host_user(user) and user.org_id == proposal.host_id


def proposals_for(user) -> sa.Select:
    q = sa.select(HsProposal)
    if user.role == Role.CENTER:
        return q
    if is_host_user(user):
        return q.where(HsProposal.host_id == user.org_id)
    if user.role == Role.EXPERT:
        assigned = sa.select(HsAssignment.proposal_id).where(HsAssignment.expert_id == user.id)
        return q.where(HsProposal.id.in_(assigned))
    return q.where(sa.false())


def trainees_for(user) -> sa.Select:
    """Trainees of the projects the user sees; experts never see trainees' personal data."""
    q = sa.select(HsTrainee).join(HsProposal, HsProposal.id == HsTrainee.proposal_id)
    if user.role == Role.CENTER:
        return q
    if is_host_user(user):
        return q.where(HsProposal.host_id == user.org_id)
    return q.where(sa.false())


class _Permissions(Mapping):
    """Each action is decided when asked for: `can()` asks for one, and some actions read
    the database (a list page asking once per row must not run every action's check)."""

    def __init__(self, user, proposal: HsProposal):
        self.user, self.proposal = user, proposal

    def __getitem__(self, name: str) -> bool:
        if name == "view":
            return (self.user.role == Role.CENTER or owns(self.user, self.proposal)
                    or (self.user.role == Role.EXPERT and self.proposal.id is not None))
        return bool(_ACTIONS[name](self.user, self.proposal))

    def __iter__(self):
        return iter(("view", *_ACTIONS))

    def __len__(self) -> int:
        return 1 + len(_ACTIONS)


def _proposal_permissions(user, proposal: HsProposal) -> Mapping[str, bool]:
    return _Permissions(user, proposal)


def _trainee_permissions(user, trainee: HsTrainee) -> dict[str, bool]:
    if user.role == Role.CENTER:
        return {"view": True}
    proposal = db.session.get(HsProposal, trainee.proposal_id)
    return {"view": proposal is not None and owns(user, proposal)}


register(HsProposal, proposals_for, _proposal_permissions)
register(HsTrainee, trainees_for, _trainee_permissions)
