"""The institution catalogue (AP-I4): institutions confirmed by the municipal centre."""

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Organisation, OrgKind, ReviewState, institution_occupation


def approved_institutions(occupation_id: int | None = None, on: date | None = None):
    """AP-I4, AP-I2: confirmed institutions; with an occupation, those whose licence covers
    it; with a date, those whose licence is valid on it."""
    q = sa.select(Organisation).where(
        Organisation.kind == OrgKind.INSTITUTION, Organisation.status == ReviewState.APPROVED
    )
    if occupation_id:
        q = q.where(sa.exists().where(institution_occupation.c.org_id == Organisation.id,
                                      institution_occupation.c.occupation_id == occupation_id))
    if on is not None:
        q = q.where(Organisation.licence_valid_from <= on,
                    sa.or_(Organisation.licence_valid_to.is_(None),
                           Organisation.licence_valid_to >= on))
    return list(db.session.scalars(q.order_by(Organisation.name)))
