"""A programme's roster as the mentor and credit pages read it (AP-M1, AP-C4).

Not a pages module: the training domain's credit pages share these lookups.
"""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from portal import rules
from portal.core.access import get_or_404_for, visible
from portal.extensions import db
from portal.models import Enrolment, Occupation, Organisation, Programme


def load_programme(programme_id: int) -> Programme:
    return get_or_404_for(current_user, Programme, programme_id)


def programme_roster(programme: Programme) -> sa.Select:
    """The programme's enrolments within the user's enrolment scope (access.enrolments_for)."""
    return visible(Enrolment, current_user).where(Enrolment.programme_id == programme.id)


def programme_enrolments(programme: Programme, ids) -> list[Enrolment]:
    """The posted enrolments, each of which must belong to `programme` (loaded in scope).

    A forged id (another programme's, out of the user's scope, or none at all) makes the
    whole request 404: nothing is changed.
    """
    wanted = {int(i) for i in ids or ()}
    if not wanted:
        return []
    found = list(db.session.scalars(
        programme_roster(programme).where(Enrolment.id.in_(wanted)).order_by(Enrolment.id)
    ))
    if len(found) != len(wanted):
        abort(404)
    return found


def programme_header(programme: Programme) -> dict:
    """Names shown above a programme's roster, in one query."""
    def org_name(org_id: int):
        return sa.select(Organisation.name).where(Organisation.id == org_id).scalar_subquery()

    row = db.session.execute(sa.select(
        sa.select(Occupation.name).where(Occupation.id == programme.occupation_id)
        .scalar_subquery().label("occupation"),
        org_name(programme.enterprise_id).label("enterprise"),
        org_name(programme.institution_id).label("institution"),
        # AP-N4: the enterprise entrusted with the training records hours too.
        org_name(programme.entrusted_enterprise_id or 0).label("entrusted"),
    )).mappings().one()
    names = {programme.enterprise_id: row["enterprise"],
             programme.institution_id: row["institution"]}
    if programme.entrusted_enterprise_id:
        names[programme.entrusted_enterprise_id] = row["entrusted"]
    return {**row, "level": rules.LEVEL_LABELS.get(programme.level, programme.level),
            "org_names": names}
