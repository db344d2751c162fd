"""下载证据包 (AP-V4, HS-W10): the auditor (within its grants) and the centre start the
evidence package of a programme or a year as a background job and follow its progress bar
on the job's page (`reports.jobs`), which offers the file when it is done.

Starting it is a GET: the auditor's role is read-only everywhere (no POST route serves it),
and a package changes no record; the job belongs to its starter alone.
"""

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.extensions import db
from portal.supervision.audits import evidence_job
from portal.supervision.audits.evidence import EvidenceScope


def _start(scope: EvidenceScope):
    if not evidence_job.may_build(current_user, scope):
        abort(404)  # outside the grants looks like missing
    job = evidence_job.start(current_user, scope)
    db.session.commit()
    return redirect(url_for(f"{request.blueprint}.job", job_id=job.id))


def programme_package(programme_id: int):
    return _start(EvidenceScope(programme_id=programme_id))


def year_package(year: int):
    return _start(EvidenceScope(year=year))


_ROUTES = (
    ("/audits/evidence/programme/<int:programme_id>", "evidence_programme", programme_package,
     ("GET",)),
    ("/audits/evidence/year/<int:year>", "evidence_year", year_package, ("GET",)),
)
ROUTES = {"auditor": _ROUTES, "center": _ROUTES}
