"""Factories for the joint assessment (AP-S1): a class whose training has ended, its parties."""

from datetime import date

from portal.extensions import db
from portal.models import Organisation
from tests.enrolment_factories import programme_parties
from tests.factories import log_in
from tests.money_factories import approved_programme, established

# 12 months from 2025-09-01: planned end 2026-08-31, before today (2026-12).
ENDED_START = date(2025, 9, 1)


def ended_class(n: int = 1, institution_type: str = "technical_school", **fields):
    """(programme, [enrolments], enterprise user, institution user)."""
    programme = approved_programme(start_date=ENDED_START, planned_count=max(20, n), **fields)
    if institution_type != "technical_school":
        institution = db.session.get(Organisation, programme.institution_id)
        institution.institution_type = institution_type
        db.session.commit()
    enrolments = [established(programme)[0] for _ in range(n)]
    enterprise, institution = programme_parties(programme)
    return programme, enrolments, enterprise, institution


def client_for(app, user):
    """A test client of its own, logged in as `user` (two parties, two sessions)."""
    from tests.conftest import PortalClient

    app.test_client_class = PortalClient
    client = app.test_client()
    log_in(client, user)
    return client


def row_data(enrolment_id: int, verdict: str | None = None, **fields) -> dict:
    """The row form as a browser posts it (fields prefixed with the row's id)."""
    data = {"verdict": verdict or "", "vocational_type": "", "vocational_level": "",
            "vocational_number": "", "vocational_issued_on": "", "comment": ""}
    data.update(fields)
    return {f"a{enrolment_id}-{k}": v for k, v in data.items()}


def save_url(role: str, programme_id: int, enrolment_id: int) -> str:
    return f"/{role}/programmes/{programme_id}/assessment/{enrolment_id}"


def class_url(role: str, programme_id: int) -> str:
    return f"/{role}/programmes/{programme_id}/assessment"
