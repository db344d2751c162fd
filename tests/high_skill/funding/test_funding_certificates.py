"""HS-W9: the centre certifies everyone on the filed completion roster in one action, through
the shared certificate machinery (numbering, PDF, public verification); host and trainee
see their own."""

import io

import sqlalchemy as sa
from pypdf import PdfReader

from portal.extensions import db
from portal.models import AuditLog, Certificate, CertificateKind, OrgKind, User
from tests.high_skill.factories_funding import (
    centre,
    completed_project,
    file_roster,
    host,
    roster_entry,
)


def _certificates(project_trainees) -> list[Certificate]:
    db.session.rollback()
    ids = [t.id for t in project_trainees]
    return list(db.session.scalars(sa.select(Certificate).where(
        Certificate.hs_trainee_id.in_(ids)).order_by(Certificate.hs_trainee_id)))


def _issue(client, project):
    return client.post(f"/center/hs/funding/projects/{project.id}/certificates",
                       follow_redirects=True).get_data(as_text=True)


def test_HS_W9_centre_issues_certificate_to_everyone_on_filed_roster(app, client, login):
    """HS-W9, C-AUD: one action, one numbered certificate per roster entry, audited."""
    project, trainees = completed_project(size=20)
    login(centre())
    assert "已发放结业证书20本" in _issue(client, project)
    issued = _certificates(trainees)
    assert len(issued) == 20
    first = issued[0]
    assert first.kind == CertificateKind.HS_COMPLETION
    assert first.holder_name == trainees[0].name
    assert project.title in first.title and "数控车工" in first.title
    assert first.issuer_name == "北京市就业促进中心"
    assert first.number.startswith("YX") and len({c.number for c in issued}) == 20
    assert first.enrolment_id is None and first.apprentice_id is None
    logged = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "certificate", AuditLog.action == "issue"))
    assert logged == 20


def test_HS_W9_issuing_again_is_idempotent(app, client, login):
    """HS-W9: a second click issues nothing new; numbers stay as first issued."""
    project, trainees = completed_project(size=20)
    login(centre())
    _issue(client, project)
    numbers = [c.number for c in _certificates(trainees)]
    page = _issue(client, project)
    assert "已发放结业证书0本，20人此前已发证" in page
    assert [c.number for c in _certificates(trainees)] == numbers


def test_HS_W9_certificate_for_someone_not_on_roster_refused(app, client, login):
    """HS-W9: a trainee of the project left off the filed roster gets no certificate."""
    project, trainees = completed_project(size=21)
    file_roster(project, trainees[:20], version=3)  # the newest filing drops the last one
    left_off = trainees[20]
    login(centre())
    page = client.post(f"/center/hs/funding/projects/{project.id}/certificate",
                       data={"trainee_id": left_off.id}, follow_redirects=True)
    assert "不在备案的结业名册中" in page.get_data(as_text=True)
    _issue(client, project)
    assert left_off.id not in {c.hs_trainee_id for c in _certificates(trainees)}
    assert len(_certificates(trainees)) == 20


def test_HS_W9_roster_naming_a_trainee_of_another_project_refused(app, client, login):
    """HS-W9: a roster snapshot cannot certify someone of another project."""
    project, trainees = completed_project(size=20)
    _other, strangers = completed_project(size=20)
    file_roster(project, trainees, version=3, extra=[roster_entry(strangers[0])])
    login(centre())
    assert "不在备案的结业名册中" in _issue(client, project)
    assert _certificates(trainees + strangers[:1]) == []


def test_HS_W9_only_centre_issues(app, client, login):
    """HS-W9: the host has no issuing route; the centre alone certifies."""
    org, user = host()
    project, trainees = completed_project(org)
    login(user)
    answer = client.post(f"/enterprise/hs/funding/projects/{project.id}/certificates")
    assert answer.status_code in (403, 404, 405)
    assert _certificates(trainees) == []


def test_HS_W9_before_roster_filed_refused(app, client, login):
    project, trainees = completed_project(filed=False)
    login(centre())
    assert "尚未报送结业登记备案名册" in _issue(client, project)
    assert _certificates(trainees) == []


def test_HS_W9_pdf_and_public_verification(app, client, login):
    """HS-W9: the shared PDF carries the kind and number; /verify shows it valid."""
    org, user = host(OrgKind.HOST)
    project, trainees = completed_project(org, size=20)
    login(centre())
    _issue(client, project)
    cert = _certificates(trainees)[0]
    client.post("/logout")
    login(user)
    listed = client.get("/host/certificates").get_data(as_text=True)
    assert cert.number in listed and "北京市高技能人才研修培训结业证书" in listed
    assert trainees[0].resident_id not in listed  # C-PII: masked
    detail = client.get(f"/host/certificates/{cert.id}").get_data(as_text=True)
    assert "准予结业" in detail
    response = client.get(f"/host/certificates/{cert.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "北京市高技能人才研修培训结业证书" in text and cert.number in text
    client.post("/logout")
    public = client.get(f"/verify/{cert.number}")
    page = public.get_data(as_text=True)
    assert public.status_code == 200 and "有效" in page and project.title in page


def test_HS_W9_trainee_sees_own_certificate_on_phone_others_do_not(app, client, login):
    """HS-W9: the trainee's phone pages list their own certificate only; another host gets
    404 on it."""
    project, trainees = completed_project(size=20, with_users=True)
    login(centre())
    _issue(client, project)
    mine, theirs = _certificates(trainees)[:2]
    client.post("/logout")
    login(db.session.get(User, trainees[0].user_id))
    assert "/m/certificates" in client.get("/m/").get_data(as_text=True)
    page = client.get("/m/certificates").get_data(as_text=True)
    assert mine.number in page and theirs.number not in page
    assert client.get(f"/m/certificates/{mine.id}.pdf").status_code == 200
    assert client.get(f"/m/certificates/{theirs.id}").status_code == 404
    client.post("/logout")
    _org, stranger = host()
    login(stranger)
    assert client.get(f"/enterprise/certificates/{mine.id}").status_code == 404
    assert mine.number not in client.get("/enterprise/certificates").get_data(as_text=True)


def test_HS_W9_project_page_links_certificates_for_the_host(app, client, login):
    org, user = host()
    project, trainees = completed_project(org, size=20)
    login(centre())
    _issue(client, project)
    cert = _certificates(trainees)[0]
    client.post("/logout")
    login(user)
    page = client.get(f"/enterprise/hs/funding/projects/{project.id}").get_data(as_text=True)
    assert f"/enterprise/certificates/{cert.id}" in page
    assert trainees[0].resident_id not in page
