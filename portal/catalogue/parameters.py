"""Reads effective-dated policy parameters: the one function the rest of the app calls (C-EFF)."""

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ParameterValue
from portal.rules.parameters import PARAMETERS, in_force_on


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


def parameter_in_force(key: str, day: date) -> sa.ColumnElement[int]:
    """C-EFF: `parameters_on(day)[key]` as a SQL expression, for a figure that one
    aggregate statement compares against (issue 14's worklist alerts): the newest stored
    value on or before `day`, else the default. Keys with a built-in dated value (AP-E6's
    minimum wage) are not offered here."""
    spec = next(s for s in PARAMETERS if s.key == key)
    since, default = spec.dated_default(day)
    if since is not None:
        raise ValueError(f"{key} has dated built-in values; read it with parameters_on")
    stored = (sa.select(ParameterValue.value)
              .where(ParameterValue.key == key, ParameterValue.effective_from <= day)
              .order_by(ParameterValue.effective_from.desc()).limit(1).scalar_subquery())
    return sa.func.coalesce(stored, default)
