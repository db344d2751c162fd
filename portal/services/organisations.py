"""Organisations: registration and their review chain (AP-N1, AP-I1..I4, C-REV)."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Occupation, Organisation, OrgKind, ReviewState, Role, User
from portal.services import audit
from portal.services.passwords import hash_password
from portal.services.review import Decision, transition

OBJECT_TYPE = "organisation"


def register(kind: OrgKind, fields: dict, username: str, password: str,
             occupation_ids: list[int] | None = None) -> tuple[Organisation, User]:
    """Create the organisation (draft) and its first account."""
    org = Organisation(kind=kind, status=ReviewState.DRAFT, **fields)
    if occupation_ids:
        org.licensed_occupations = list(
            db.session.scalars(sa.select(Occupation).where(Occupation.id.in_(occupation_ids)))
        )
    db.session.add(org)
    db.session.flush()
    user = User(
        username=username.strip(),
        password_hash=hash_password(password),
        role=Role(kind.value),
        display_name=fields.get("contact_name") or fields["name"],
        org_id=org.id,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(user, OBJECT_TYPE, org.id, "register", to_state=ReviewState.DRAFT)
    return org, user


def submit(actor, org: Organisation) -> ReviewState:
    return transition(actor, org, OBJECT_TYPE, "submit")


def district_review(actor, org: Organisation, decision: Decision, comment: str = ""):
    return transition(actor, org, OBJECT_TYPE, "district", decision, comment)


def center_review(actor, org: Organisation, decision: Decision, comment: str = ""):
    return transition(actor, org, OBJECT_TYPE, "center", decision, comment)
