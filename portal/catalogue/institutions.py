"""The institution catalogue (AP-I4): institutions confirmed by the municipal centre."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal import rules
from portal.extensions import db
from portal.models import Occupation, Organisation, OrgKind, ReviewState, institution_occupation


def _covers(occupation_id: int) -> sa.ColumnElement[bool]:
    return sa.exists().where(institution_occupation.c.org_id == Organisation.id,
                             institution_occupation.c.occupation_id == occupation_id)


def in_catalogue(org: Organisation | None) -> bool:
    """AP-I4: an institution the municipal centre approved."""
    return (org is not None and org.kind == OrgKind.INSTITUTION
            and org.state == ReviewState.APPROVED)


def licence_problems_for(org: Organisation, occupation_id: int, start: date,
                         end: date) -> list[str]:
    """AP-I2: the institution's licence covers the occupation and the whole period."""
    if org.licence_valid_from is None:
        return ["AP-I2"]
    covered = db.session.scalar(sa.select(_covers(occupation_id).where(
        Organisation.id == org.id)))
    return rules.licence_problems(bool(covered), org.licence_valid_from, org.licence_valid_to,
                                  start, end)


def catalogue_query(occupation_id: int | None = None, on: date | None = None,
                    until: date | None = None) -> sa.Select:
    """AP-I4, AP-I2: a select of the catalogue, for callers that filter, order or paginate.

    AP-I4: only institutions the municipal centre approved. AP-I2, with an occupation:
    only those whose licence covers it; with `on` (and `until`, default `on`): only those
    whose licence is valid on every day from `on` to `until`, end dates inclusive, no end
    date meaning no expiry. The same rule as `rules.licence_problems`, as SQL.
    """
    q = sa.select(Organisation).where(
        Organisation.kind == OrgKind.INSTITUTION, Organisation.state == ReviewState.APPROVED
    )
    if occupation_id:
        q = q.where(_covers(occupation_id))
    if on is not None:
        q = q.where(Organisation.licence_valid_from <= on,
                    sa.or_(Organisation.licence_valid_to.is_(None),
                           Organisation.licence_valid_to >= (until or on)))
    return q


def approved_institutions(occupation_id: int | None = None, on: date | None = None,
                          until: date | None = None) -> list[Organisation]:
    """AP-I4, AP-I2: the institutions an enterprise may pick, by name (for form choices)."""
    return list(db.session.scalars(
        catalogue_query(occupation_id, on, until).order_by(Organisation.name, Organisation.id)
    ))


def search(name: str = "", occupation: str = "") -> sa.Select:
    """AP-I4: the catalogue page's query; `occupation` matches an occupation's name or code.

    Type, district and licensed occupations come in a constant number of queries.
    """
    q = catalogue_query().options(joinedload(Organisation.district),
                                  selectinload(Organisation.licensed_occupations))
    if name:
        q = q.where(Organisation.name.contains(name, autoescape=True))
    if occupation:
        q = q.where(sa.exists().where(
            institution_occupation.c.org_id == Organisation.id,
            institution_occupation.c.occupation_id == Occupation.id,
            sa.or_(Occupation.name.contains(occupation, autoescape=True),
                   Occupation.code.startswith(occupation, autoescape=True)),
        ))
    return q.order_by(Organisation.name, Organisation.id)


def licence_valid_on(org: Organisation, day: date) -> bool:
    """AP-I2: the licence is in force on `day` (occupation coverage is checked elsewhere)."""
    if org.licence_valid_from is None:
        return False
    return not rules.licence_problems(True, org.licence_valid_from, org.licence_valid_to, day, day)
