"""Beijing's districts in their official order, for the city-wide filters."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import District


def all_districts() -> list[District]:
    return list(db.session.scalars(sa.select(District).order_by(District.sort_order)))
