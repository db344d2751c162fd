"""Reads effective-dated policy parameters: the one function the rest of the app calls (C-EFF)."""

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ParameterValue
from portal.rules.parameters import in_force_on


def parameters_on(day: date) -> dict[str, int]:
    """C-EFF: the parameters in force on `day`, for a check or a report of that day.

    The newest stored value per key on or before `day`, else the dated value of the rules
    layer (AP-E6's minimum wage), else the default.
    """
    newest = (
        sa.select(ParameterValue.key, sa.func.max(ParameterValue.effective_from).label("since"))
        .where(ParameterValue.effective_from <= day)
        .group_by(ParameterValue.key)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ParameterValue.key, ParameterValue.effective_from, ParameterValue.value).join(
            newest,
            sa.and_(
                ParameterValue.key == newest.c.key,
                ParameterValue.effective_from == newest.c.since,
            ),
        )
    )
    return in_force_on(day, {key: (since, value) for key, since, value in rows})
