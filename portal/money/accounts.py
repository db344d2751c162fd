"""AP-$4, AP-P5: an apprentice's subsidy account opens when the student record is established.

The amounts and catalogue facts of the establishment day are frozen on it (C-EFF: a later
parameter change never alters them).
"""

from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.extensions import db
from portal.models import Enrolment, Programme, SubsidyAccount


def open_account(enrolment: Enrolment, programme: Programme) -> SubsidyAccount:
    """AP-$4: the prepayment line of an established enrolment; idempotent (one per enrolment).

    Reads `established_on`, `urgent` and `in_assessment_scope` the establishment wrote.
    """
    existing = db.session.scalar(
        sa.select(SubsidyAccount).where(SubsidyAccount.enrolment_id == enrolment.id))
    if existing is not None:
        return existing
    day: date = enrolment.established_on
    params = parameters_on(day)
    urgent = bool(enrolment.urgent)
    account = SubsidyAccount(
        enrolment_id=enrolment.id, programme_id=programme.id,
        enterprise_id=programme.enterprise_id, institution_id=programme.institution_id,
        district_code=programme.district_code, established_on=day, level=programme.level,
        urgent=urgent, in_assessment_scope=bool(enrolment.in_assessment_scope),
        standard=rules.subsidy_standard(programme.level, urgent, params=params),
        years=rules.subsidised_years(programme.level, params=params),
        prepayment=rules.subsidy_prepayment(programme.level, urgent, params=params),
    )
    db.session.add(account)
    db.session.flush()
    return account
