"""Certificates of established apprentices (tests/money_factories), issued through AP-S1."""

from datetime import date

from portal.certificates.issue import issue_for_enrolment
from portal.extensions import db
from portal.models import Apprentice, EnrolmentState, Organisation, Programme, Role
from tests.factories import make_user
from tests.money_factories import approved_programme, established

ISSUED_ON = date(2026, 11, 30)


def certificate_for(programme: Programme | None = None, name: str | None = None, **fields):
    """A passed apprentice's certificate; returns (certificate, enrolment)."""
    enrolment, _account = established(programme, state=EnrolmentState.COMPLETED, **fields)
    if name:
        person = db.session.get(Apprentice, enrolment.apprentice_id)
        person.name = name
        db.session.commit()
    certificate = issue_for_enrolment(None, enrolment, ISSUED_ON)
    db.session.commit()
    return certificate, enrolment


def enterprise_user(programme: Programme):
    return make_user(Role.ENTERPRISE, org=db.session.get(Organisation, programme.enterprise_id))


def institution_user(programme: Programme):
    return make_user(Role.INSTITUTION,
                     org=db.session.get(Organisation, programme.institution_id))


__all__ = ["approved_programme", "certificate_for", "enterprise_user", "institution_user"]
