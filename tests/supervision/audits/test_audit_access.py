"""AP-V4, HS-W10: an auditor reads only the programmes its firm holds an open grant for
(granted, unexpired, unrevoked), by programme or by the programme's start year."""

from datetime import date, timedelta

import sqlalchemy as sa

from portal.clock import today
from portal.models import Apprentice, AuditGrant, AuditLog, ReviewState
from tests.enrolment_factories import make_enrolment
from tests.supervision.audits.audit_helpers import (
    approved_programme,
    centre,
    grant,
    make_auditor,
    make_firm,
)


def test_AP_V4_auditor_sees_only_granted_programmes(client, login):
    firm = make_firm()
    granted, other = approved_programme(), approved_programme()
    grant(firm, programme=granted)
    login(make_auditor(firm))
    home = client.get("/auditor/").get_data(as_text=True)
    assert f"programme-{granted.id}" in home
    assert f"programme-{other.id}" not in home
    assert client.get(f"/auditor/programmes/{granted.id}").status_code == 200
    assert client.get(f"/auditor/programmes/{other.id}").status_code == 404


def test_AP_V4_year_grant_covers_approved_programmes_started_that_year(client, login, db):
    firm = make_firm()
    in_year = approved_programme(start=date(2025, 3, 3))
    next_year = approved_programme(start=date(2026, 1, 5))
    draft = approved_programme(start=date(2025, 6, 1))
    draft.state = ReviewState.SUBMITTED
    db.session.commit()
    grant(firm, year=2025)
    login(make_auditor(firm))
    assert client.get(f"/auditor/programmes/{in_year.id}").status_code == 200
    assert client.get(f"/auditor/programmes/{next_year.id}").status_code == 404
    assert client.get(f"/auditor/programmes/{draft.id}").status_code == 404


def test_AP_V4_expired_or_revoked_grant_gives_no_access(client, login):
    firm = make_firm()
    expired, revoked, open_today = approved_programme(), approved_programme(), approved_programme()
    grant(firm, programme=expired, expires_on=today() - timedelta(days=1))
    grant(firm, programme=revoked, revoked=True)
    grant(firm, programme=open_today, expires_on=today())
    login(make_auditor(firm))
    assert client.get(f"/auditor/programmes/{expired.id}").status_code == 404
    assert client.get(f"/auditor/programmes/{revoked.id}").status_code == 404
    assert client.get(f"/auditor/programmes/{open_today.id}").status_code == 200


def test_AP_V4_another_firms_grant_is_not_mine(client, login):
    programme = approved_programme()
    grant(make_firm(), programme=programme)
    login(make_auditor(make_firm()))
    assert client.get(f"/auditor/programmes/{programme.id}").status_code == 404
    assert client.get(f"/auditor/audits/evidence/programme/{programme.id}").status_code == 404


def test_C_PII_auditor_programme_page_masks_ids_and_mobiles(client, login, db):
    firm = make_firm()
    programme = approved_programme()
    enrolment = make_enrolment(programme=programme)
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    grant(firm, programme=programme)
    login(make_auditor(firm))
    page = client.get(f"/auditor/programmes/{programme.id}").get_data(as_text=True)
    assert person.resident_id not in page and person.mobile not in page
    assert person.resident_id[:6] + "********" + person.resident_id[-4:] in page
    assert person.mobile[:3] + "****" + person.mobile[-4:] in page


def test_AP_V4_centre_grants_and_revokes_through_the_pages(client, login, db):
    firm, programme = make_firm(), approved_programme()
    login(centre())
    response = client.post("/center/audits/grants", data={
        "firm_id": firm.id, "programme_id": programme.id, "year": "", "expires_on": "",
        "note": "专项审计"})
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.session.scalar(sa.select(AuditGrant).where(AuditGrant.firm_id == firm.id))
    assert row.programme_id == programme.id and row.revoked_at is None
    assert client.post(f"/center/audits/grants/{row.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(AuditGrant, row.id).revoked_at is not None
    actions = set(db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "audit_grant", AuditLog.object_id == row.id)))
    assert actions == {"grant", "revoke"}
    # A second revoke is refused (guarded update), the grant stays revoked once.
    assert client.post(f"/center/audits/grants/{row.id}/revoke").status_code == 403


def test_AP_V4_grant_needs_programme_or_year_not_both(client, login, db):
    firm, programme = make_firm(), approved_programme()
    login(centre())
    response = client.post("/center/audits/grants", data={
        "firm_id": firm.id, "programme_id": programme.id, "year": "2025"})
    assert response.status_code == 422
    assert "二者选一" in response.get_data(as_text=True)
