"""The background export: same rows as the direct export, its starter's alone."""

import re
from io import BytesIO

import openpyxl

from portal.models import Job, JobState, Role
from tests.factories import log_in, make_user
from tests.reports.audit_log.auditlog_world import seeded, write

URL = "/district/audit-log"


def _rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(BytesIO(data)).active.iter_rows(min_row=2, values_only=True))


def test_C_AUD_auditlog_export_job_matches_direct_export_and_is_the_starters(app, db, client, login):
    own, peer, centre = seeded()
    for n in range(5):
        write(own.staff, "enrolment", own.enrolment.id, "edit", f"甲{n}")
    login(own.staff)
    started = client.post(f"{URL}/export-job?object_type=enrolment")
    assert started.status_code == 302
    job_id = re.fullmatch(r"/district/jobs/([0-9a-f]{32})", started.headers["Location"]).group(1)
    job = db.session.get(Job, job_id)
    assert job.user_id == own.staff.id and job.state == JobState.DONE
    assert job.done == job.total == 6
    with client.get(f"/district/jobs/{job_id}/download") as download:
        from_job = _rows(download.data)
    with client.get(f"{URL}/export.xlsx?object_type=enrolment") as direct:
        assert from_job == _rows(direct.data)
    assert len(from_job) == 6 and "乙" not in str(from_job)
    # Another district's reviewer cannot fetch it.
    other = log_in(app.test_client(), make_user(Role.DISTRICT, district="110108"))
    assert other.get(f"/district/jobs/{job_id}/download").status_code == 404


def test_C_AUD_auditlog_export_job_scope_is_the_starters_even_with_a_district_param(app, db,
                                                                                   client, login):
    own, peer, centre = seeded()
    login(own.staff)
    started = client.post(f"{URL}/export-job?district=110108")
    job_id = started.headers["Location"].rsplit("/", 1)[1]
    with client.get(f"/district/jobs/{job_id}/download") as download:
        rows = _rows(download.data)
    assert rows and "乙" not in str(rows) and "丙" not in str(rows)
