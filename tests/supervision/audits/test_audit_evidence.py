"""AP-V4, HS-W10, C-PII: the evidence package (one zip of xlsx workbooks, IDs and mobiles
masked), built as a background job the auditor follows on its progress page; the job's
file is its starter's alone; 500 apprentices in well under 30 s."""

import io
import time
import zipfile
from datetime import date, datetime, timedelta

import openpyxl
import sqlalchemy as sa

from portal.core import audit
from portal.extensions import db as _db
from portal.models import (
    Apprentice,
    AuditLog,
    CheckIn,
    ClassSession,
    CreditRecord,
    Enrolment,
    EnrolmentState,
    Job,
    Programme,
)
from portal.supervision.audits.evidence import EvidenceScope, build_evidence_package
from tests.enrolment_factories import make_credit, make_enrolment
from tests.supervision.audits.audit_helpers import (
    approved_programme,
    centre,
    grant,
    make_auditor,
    make_firm,
)

BOOKS = {"01-项目与学籍.xlsx", "02-考勤.xlsx", "03-学分.xlsx", "04-考核评价.xlsx",
         "05-补贴台账.xlsx", "06-审计日志.xlsx", "说明.txt"}


def _sheet(archive: zipfile.ZipFile, book: str, title: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(archive.read(book)), read_only=True)
    return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]


def _session(programme: Programme, day: date) -> ClassSession:
    session = ClassSession(programme_id=programme.id, org_id=programme.institution_id,
                           title="理论课", starts_at=datetime.combine(day, datetime.min.time()))
    _db.session.add(session)
    _db.session.commit()
    return session


def test_C_PII_evidence_package_holds_every_record_masked(db):
    programme = approved_programme()
    enrolment = make_enrolment(programme=programme)
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    session = _session(programme, programme.start_date)
    db.session.add(CheckIn(session_id=session.id, enrolment_id=enrolment.id))
    make_credit(enrolment, 8)
    audit.record(None, "enrolment", enrolment.id, "note",
                 comment=f"核对身份证 {person.resident_id}")
    db.session.commit()
    out = io.BytesIO()
    calls = []
    name = build_evidence_package(EvidenceScope(programme_id=programme.id), out,
                                  lambda done, total: calls.append((done, total)))
    archive = zipfile.ZipFile(out)
    assert set(archive.namelist()) == BOOKS
    assert name == f"审计证据包-项目{programme.id}.zip"
    enrolments = _sheet(archive, "01-项目与学籍.xlsx", "学籍")
    assert enrolments[1][0] == enrolment.id
    assert enrolments[1][3] == person.resident_id[:6] + "*" * 8 + person.resident_id[-4:]
    assert enrolments[1][4] == person.mobile[:3] + "****" + person.mobile[-4:]
    assert len(_sheet(archive, "02-考勤.xlsx", "签到")) == 2
    assert _sheet(archive, "03-学分.xlsx", "学分")[1][4] == 8
    log = _sheet(archive, "06-审计日志.xlsx", "审计日志")
    noted = [row for row in log if row[3] == "note"]
    assert noted and person.resident_id not in noted[0][8]
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert person.resident_id.encode() not in everything
    assert calls[-1][0] == calls[-1][1] > 0


def test_AP_V4_auditor_downloads_package_through_a_job(client, login, db):
    firm = make_firm()
    programme = approved_programme()
    make_enrolment(programme=programme)
    grant(firm, programme=programme)
    auditor = make_auditor(firm)
    login(auditor)
    started = client.get(f"/auditor/audits/evidence/programme/{programme.id}")
    assert started.status_code == 302
    job_url = started.headers["Location"]
    assert job_url.startswith("/auditor/jobs/")
    job = db.session.scalar(sa.select(Job).where(Job.user_id == auditor.id))
    assert job.kind == "evidence_package"
    page = client.get(job_url).get_data(as_text=True)
    assert "progress" in page
    download = client.get(f"{job_url}/download")
    assert download.status_code == 200
    body = download.data
    download.close()  # send_file's open file
    assert set(zipfile.ZipFile(io.BytesIO(body)).namelist()) == BOOKS
    # C-AUD: the download of (masked) personal data is on record.
    assert db.session.scalar(sa.select(AuditLog.id).where(
        AuditLog.action == "evidence_download", AuditLog.object_id == programme.id))


def test_AP_V4_package_of_a_revoked_grant_is_no_longer_downloadable(client, login, db):
    from portal.models.base import utcnow

    firm = make_firm()
    programme = approved_programme()
    row = grant(firm, programme=programme)
    login(make_auditor(firm))
    job_url = client.get(f"/auditor/audits/evidence/programme/{programme.id}").headers["Location"]
    first = client.get(f"{job_url}/download")
    assert first.status_code == 200
    first.close()
    row.revoked_at = utcnow()
    db.session.commit()
    assert client.get(f"{job_url}/download").status_code == 404


def test_AP_V4_job_file_of_another_user_is_not_found(client, login, db):
    firm = make_firm()
    programme = approved_programme()
    grant(firm, programme=programme)
    login(make_auditor(firm))
    job_url = client.get(f"/auditor/audits/evidence/programme/{programme.id}").headers["Location"]
    client.post("/logout")
    login(make_auditor(firm))  # a colleague of the same firm
    assert client.get(job_url).status_code == 404
    assert client.get(f"{job_url}/download").status_code == 404


def test_AP_V4_year_package_needs_a_year_grant(client, login):
    firm = make_firm()
    approved_programme(start=date(2025, 3, 3))
    grant(firm, year=2025)
    login(make_auditor(firm))
    assert client.get("/auditor/audits/evidence/year/2025").status_code == 302
    assert client.get("/auditor/audits/evidence/year/2024").status_code == 404


def test_AP_V4_centre_downloads_any_programme(client, login):
    programme = approved_programme()
    login(centre())
    started = client.get(f"/center/audits/evidence/programme/{programme.id}")
    assert started.status_code == 302 and "/center/jobs/" in started.headers["Location"]


def _city_programme(apprentices: int, sessions: int) -> Programme:
    """A programme with `apprentices` active enrolments, each checked in to every session and
    with four credit records, inserted in bulk."""
    programme = approved_programme(planned_count=apprentices)
    base = 10_000_000 + programme.id * 1000
    _db.session.execute(sa.insert(Apprentice), [
        {"name": f"学徒{n}", "resident_id": f"110105199901{(base + n) % 10**6:06d}",
         "mobile": f"139{base + n:08d}"[:11]} for n in range(apprentices)])
    people = _db.session.scalars(sa.select(Apprentice.id).order_by(Apprentice.id.desc())
                                 .limit(apprentices)).all()
    _db.session.execute(sa.insert(Enrolment), [
        {"programme_id": programme.id, "apprentice_id": a, "enterprise_id": programme.enterprise_id,
         "district_code": programme.district_code, "contract_start": date(2026, 1, 1),
         "insured_in_beijing": True, "hire_type": "new_hire", "monthly_wage": 6000,
         "state": EnrolmentState.ACTIVE, "established_on": programme.start_date}
        for a in people])
    enrolments = _db.session.scalars(sa.select(Enrolment.id)
                                     .where(Enrolment.programme_id == programme.id)).all()
    start = datetime.combine(programme.start_date, datetime.min.time())
    _db.session.execute(sa.insert(ClassSession), [
        {"programme_id": programme.id, "org_id": programme.institution_id, "title": f"第{n}课",
         "starts_at": start + timedelta(days=n)} for n in range(sessions)])
    session_ids = _db.session.scalars(sa.select(ClassSession.id)
                                      .where(ClassSession.programme_id == programme.id)).all()
    _db.session.execute(sa.insert(CheckIn), [
        {"session_id": s, "enrolment_id": e, "checked_at": start}
        for s in session_ids for e in enrolments])
    _db.session.execute(sa.insert(CreditRecord), [
        {"enrolment_id": e, "recorded_by_org_id": programme.institution_id,
         "course_type": "practice", "mode": "on_job", "hours": 8, "on_day": programme.start_date,
         "note": "", "created_at": start}
        for e in enrolments for _ in range(4)])
    _db.session.commit()
    return programme


def test_AP_V4_evidence_package_of_500_apprentices_under_30_seconds(db, tmp_path):
    # 20 check-ins an apprentice: twice the city's average (300,000 for 30,000 apprentices).
    programme = _city_programme(apprentices=500, sessions=20)
    began = time.monotonic()
    with open(tmp_path / "package.zip", "wb") as out:
        build_evidence_package(EvidenceScope(programme_id=programme.id), out)
    elapsed = time.monotonic() - began
    archive = zipfile.ZipFile(tmp_path / "package.zip")
    assert len(_sheet(archive, "02-考勤.xlsx", "签到")) == 500 * 20 + 1
    assert len(_sheet(archive, "01-项目与学籍.xlsx", "学籍")) == 501
    assert elapsed < 30, elapsed
