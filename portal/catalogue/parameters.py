"""Reads effective-dated policy parameters: the one function the rest of the app calls."""

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ParameterValue
from portal.rules.parameters import DEFAULTS


def parameters_on(day: date) -> dict[str, int]:
    """The parameters in force on `day`: the newest stored value per key, else the default."""
    newest = (
        sa.select(ParameterValue.key, sa.func.max(ParameterValue.effective_from).label("since"))
        .where(ParameterValue.effective_from <= day)
        .group_by(ParameterValue.key)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ParameterValue.key, ParameterValue.value).join(
            newest,
            sa.and_(
                ParameterValue.key == newest.c.key,
                ParameterValue.effective_from == newest.c.since,
            ),
        )
    )
    merged = dict(DEFAULTS)
    merged.update({key: value for key, value in rows if key in DEFAULTS})
    return merged
