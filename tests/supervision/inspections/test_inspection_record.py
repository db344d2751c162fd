"""AP-V1, C-AUD, C-DIST: recording an inspection, its photos, and who is told."""

from datetime import timedelta

import sqlalchemy as sa

from portal.clock import today
from portal.models import (
    AuditLog,
    Document,
    DocumentKind,
    Inspection,
    InspectionPhoto,
    Notification,
)
from tests.factories import PDF_BYTES, PNG_BYTES, upload
from tests.supervision.inspections.inspection_helpers import (
    HAIDIAN,
    active_programme,
    district_staff,
    inspection_form,
    parties,
)


def _count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _record(client, programme, **overrides):
    return client.post(f"/district/programmes/{programme.id}/inspections/new",
                       data=inspection_form(**overrides), content_type="multipart/form-data")


def test_AP_V1_inspection_records_audit_and_notifies_enterprise_and_institution(
        client, login, db):
    programme = active_programme()
    enterprise_user, institution_user = parties(programme)
    other_programme = active_programme()
    outsider, _ = parties(other_programme)
    login(district_staff())
    page = client.get(f"/district/programmes/{programme.id}/inspections/new")
    html = page.get_data(as_text=True)
    assert 'capture="environment"' in html and 'accept="image/*"' in html and "multiple" in html
    response = _record(client, programme)
    assert response.status_code == 302, response.get_data(as_text=True)
    inspection = db.session.scalars(sa.select(Inspection)).one()
    assert (inspection.programme_id, inspection.district_code) == (programme.id, "110105")
    assert inspection.findings == "签到记录与现场人数不符" and inspection.notified_at
    entry = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "inspection", AuditLog.object_id == inspection.id)).one()
    assert (entry.action, entry.to_state) == ("record_inspection", "problems")
    told = set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.object_type == "inspection", Notification.object_id == inspection.id)))
    assert told == {enterprise_user.id, institution_user.id}
    assert outsider.id not in told


def test_AP_V1_refused_inspection_leaves_no_row_no_notice_no_file(client, login, db):
    """Same transaction: a bad second photo refuses the whole record, notices included."""
    programme = active_programme()
    parties(programme)
    login(district_staff())
    response = client.post(
        f"/district/programmes/{programme.id}/inspections/new",
        data={**inspection_form(), "photos": [upload(PNG_BYTES, "a.png"),
                                              upload(PDF_BYTES, "b.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "JPG 或 PNG" in response.get_data(as_text=True)
    assert _count(db, Inspection) == 0
    assert _count(db, Notification) == 0
    assert _count(db, Document) == 0


def test_AP_V1_future_date_refused(client, login, db):
    programme = active_programme()
    login(district_staff())
    response = _record(client, programme,
                       inspected_on=(today() + timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert "检查日期不能晚于今天（规则 AP-V1）" in response.get_data(as_text=True)
    assert _count(db, Inspection) == 0


def test_AP_V1_problems_without_findings_refused(client, login, db):
    programme = active_programme()
    login(district_staff())
    response = _record(client, programme, findings="")
    assert response.status_code == 422
    assert "规则 AP-V1" in response.get_data(as_text=True)
    assert _count(db, Inspection) == 0


def test_AP_V1_photos_visible_to_the_enterprise_not_to_another(client, login, db):
    programme = active_programme()
    enterprise_user, institution_user = parties(programme)
    stranger, _ = parties(active_programme())
    login(district_staff())
    response = client.post(
        f"/district/programmes/{programme.id}/inspections/new",
        data={**inspection_form(), "photos": [upload(PNG_BYTES, "现场1.png"),
                                              upload(PNG_BYTES, "现场2.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    inspection = db.session.scalars(sa.select(Inspection)).one()
    docs = list(db.session.scalars(
        sa.select(Document).join(InspectionPhoto, InspectionPhoto.document_id == Document.id)))
    assert len(docs) == 2 and {d.kind for d in docs} == {DocumentKind.INSPECTION_PHOTO}
    client.post("/logout")
    for reader, prefix in ((enterprise_user, "enterprise"), (institution_user, "institution")):
        login(reader)
        detail = client.get(f"/{prefix}/inspections/{inspection.id}").get_data(as_text=True)
        assert f"/files/{docs[0].id}" in detail and "签到记录与现场人数不符" in detail
        with client.get(f"/files/{docs[0].id}") as photo:  # closes the sent file
            assert photo.data == PNG_BYTES
        assert f"inspection-{inspection.id}" in client.get(
            f"/{prefix}/inspections").get_data(as_text=True)
        client.post("/logout")
    login(stranger)
    assert client.get(f"/enterprise/inspections/{inspection.id}").status_code == 404
    assert client.get(f"/files/{docs[0].id}").status_code == 404
    assert f"inspection-{inspection.id}" not in client.get(
        "/enterprise/inspections").get_data(as_text=True)


def test_C_DIST_peer_district_refused_by_url_and_by_filter(client, login, db):
    programme = active_programme()
    login(district_staff())
    assert _record(client, programme).status_code == 302
    inspection_id = db.session.scalar(sa.select(Inspection.id))
    client.post("/logout")
    login(district_staff(HAIDIAN))
    assert client.get(f"/district/inspections/{inspection_id}").status_code == 404
    assert client.get(
        f"/district/programmes/{programme.id}/inspections/new").status_code == 404
    assert _record(client, programme).status_code == 404
    for query in (f"?programme_id={programme.id}", "?district=110105", ""):
        listed = client.get(f"/district/inspections{query}").get_data(as_text=True)
        assert f"inspection-{inspection_id}" not in listed
    assert _count(db, Inspection) == 1


def test_AP_V1_enterprise_post_refused(client, login, db):
    programme = active_programme()
    enterprise_user, _ = parties(programme)
    login(enterprise_user)
    assert _record(client, programme).status_code == 403
    assert client.post("/enterprise/inspections", data={}).status_code == 405
    assert _count(db, Inspection) == 0


def test_AP_V1_list_filters_and_constant_queries(client, login, db, count_queries):
    login(district_staff())

    def add(n):
        for _ in range(n):
            assert _record(client, active_programme()).status_code == 302

    def list_queries() -> int:
        with count_queries() as statements:
            assert client.get("/district/inspections").status_code == 200
        return len(statements)

    add(2)
    few = list_queries()
    add(6)
    assert list_queries() == few
    # Filters: kind, result, dates.
    assert _record(client, active_programme(), kind="video", result="clear",
                   findings="").status_code == 302
    video = client.get("/district/inspections?kind=video").get_data(as_text=True)
    assert video.count('id="inspection-') == 1
    fragment = client.hx_get("/district/inspections?kind=video").get_data(as_text=True)
    assert "<html" not in fragment and fragment.count('id="inspection-') == 1
    clear = client.get("/district/inspections?result=clear&from=2000-01-01&to="
                       + today().isoformat()).get_data(as_text=True)
    assert clear.count('id="inspection-') == 1
    later = client.get("/district/inspections?from="
                       + (today() + timedelta(days=1)).isoformat()).get_data(as_text=True)
    assert 'id="inspection-' not in later
    junk = client.get("/district/inspections?kind=x&result=%00&from=99999&programme_id=" + "9" * 30)
    assert junk.status_code == 200


def test_AP_V1_new_inspection_box_opens_the_programme_form_in_scope_only(client, login, db):
    own, peer = active_programme(), active_programme(district=HAIDIAN)
    login(district_staff())
    response = client.get(f"/district/inspections/new?programme_id={own.id}")
    assert response.headers["Location"].endswith(f"/district/programmes/{own.id}/inspections/new")
    assert client.get(f"/district/inspections/new?programme_id={peer.id}",
                      follow_redirects=True).status_code == 404
    junk = client.get("/district/inspections/new?programme_id=x")
    assert junk.status_code == 200 and "登记检查：培训项目编号" in junk.get_data(as_text=True)
