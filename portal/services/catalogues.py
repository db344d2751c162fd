"""Catalogue look-ups by date (AP-P5): which lists an occupation is on, on a given day."""

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import CatalogueItem, CatalogueKind, CatalogueVersion


def version_in_force(kind: CatalogueKind, day: date) -> CatalogueVersion | None:
    """AP-P5: the newest version of `kind` whose effective date is on or before `day`."""
    return db.session.scalar(
        sa.select(CatalogueVersion)
        .where(CatalogueVersion.kind == kind, CatalogueVersion.effective_from <= day)
        .order_by(CatalogueVersion.effective_from.desc())
        .limit(1)
    )


def memberships(occupation_ids, day: date) -> dict[int, set[CatalogueKind]]:
    """AP-P5: for each occupation, the lists it is on in the versions in force on `day`.

    One query for any number of occupations, so list pages stay constant in queries.
    """
    ids = list(occupation_ids)
    result: dict[int, set[CatalogueKind]] = {i: set() for i in ids}
    if not ids:
        return result
    newest = (
        sa.select(CatalogueVersion.kind, sa.func.max(CatalogueVersion.effective_from).label("since"))
        .where(CatalogueVersion.effective_from <= day)
        .group_by(CatalogueVersion.kind)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(CatalogueItem.occupation_id, CatalogueVersion.kind)
        .join(CatalogueVersion, CatalogueVersion.id == CatalogueItem.version_id)
        .join(newest, sa.and_(newest.c.kind == CatalogueVersion.kind,
                              newest.c.since == CatalogueVersion.effective_from))
        .where(CatalogueItem.occupation_id.in_(ids))
    )
    for occupation_id, kind in rows:
        result[occupation_id].add(CatalogueKind(kind))
    return result


def flags_for(occupation_id: int, day: date) -> set[CatalogueKind]:
    return memberships([occupation_id], day)[occupation_id]
