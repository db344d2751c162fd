"""C-PII: masked in the list and in comments; the full ID only on a POST, itself audited."""

from portal.models import AuditLog
from portal.rules import mask_resident_id
from tests.reports.audit_log.auditlog_world import seeded, write

URL = "/district/audit-log"


def _entry(db, comment):
    return db.session.scalar(db.select(AuditLog).where(AuditLog.comment == comment))


def test_C_PII_auditlog_list_masks_ids_and_mobiles_in_comments(app, login):
    own, peer, centre = seeded()
    rid = own.apprentice.resident_id
    write(own.staff, "programme", own.programme.id, "edit", f"核对 {rid} 电话13912345678")
    page = login(own.staff).get(URL).get_data(as_text=True)
    assert rid not in page and "13912345678" not in page
    assert mask_resident_id(rid) in page and "139****5678" in page
    assert own.apprentice.name in page  # the row about the enrolment names its person


def test_C_PII_auditlog_reveal_shows_full_id_and_is_audited(app, db, login):
    own, peer, centre = seeded()
    entry = _entry(db, "甲学籍通过")
    client = login(own.staff)
    assert own.apprentice.resident_id not in client.get(URL).get_data(as_text=True)
    response = client.post(f"{URL}/{entry.id}/identity", htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and own.apprentice.resident_id in body
    assert response.headers["Cache-Control"] == "private, no-store"
    look = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "view_full_id"))
    assert (look.actor_id, look.object_type, look.object_id) == (
        own.staff.id, "enrolment", own.enrolment.id)
    assert str(entry.id) in look.comment
    # The look is itself listed, as 查看完整身份证号, and the list stays masked.
    page = client.get(URL).get_data(as_text=True)
    assert "查看完整" in page and own.apprentice.resident_id not in page


def test_C_PII_auditlog_reveal_without_js_renders_the_page(app, db, login):
    own, peer, centre = seeded()
    entry = _entry(db, "甲学籍通过")
    response = login(own.staff).post(f"{URL}/{entry.id}/identity")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" in body and own.apprentice.resident_id in body


def test_C_PII_auditlog_reveal_needs_csrf(app, db, login):
    own, peer, centre = seeded()
    entry = _entry(db, "甲学籍通过")
    response = login(own.staff).post(f"{URL}/{entry.id}/identity", csrf=False, htmx=True)
    assert response.status_code == 400
    looks = db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "view_full_id")
    assert db.session.scalar(looks) == 0


def test_C_PII_auditlog_reveal_of_entry_about_no_person_is_404(app, db, login):
    own, peer, centre = seeded()
    entry = _entry(db, "甲项目通过")
    assert login(own.staff).post(f"{URL}/{entry.id}/identity", htmx=True).status_code == 404
    looks = db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "view_full_id")
    assert db.session.scalar(looks) == 0
