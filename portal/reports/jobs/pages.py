"""A job's page (a progress bar that polls itself until the work is done, then the file),
the user's recent jobs and the download. Bound for every role that starts jobs; a job is
its starter's alone: anyone else gets 404, as for a job that does not exist."""

from flask_login import current_user

from portal.core import jobs
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, RoleView, RouteTable, current_view

JOB_TEMPLATE = "reports/jobs/job.html"
JOBS_TEMPLATE = "reports/jobs/jobs.html"
ROLES = ("enterprise", "institution", "district", "center", "host", "expert", "auditor")
VIEWS = {role: RoleView(blueprint=role) for role in ROLES}


def job_page(job_id: str):
    """The progress bar; an htmx poll gets the status block alone, which stops polling
    itself (no trigger) once the job is done or failed."""
    view = current_view(VIEWS)
    job = jobs.get_own_or_404(current_user, job_id)
    return page_or_block(JOB_TEMPLATE, "status", view=view, job=job, active=jobs.active(job),
                         interrupted=jobs.interrupted(job), percent=jobs.percent(job),
                         interrupted_message=jobs.INTERRUPTED_MESSAGE,
                         label=jobs.label(job.kind))


def jobs_page():
    view = current_view(VIEWS)
    page = paginate(jobs.jobs_of(current_user))
    return page_or_block(JOBS_TEMPLATE, "results", view=view, page=page, label=jobs.label,
                         percent=jobs.percent, interrupted=jobs.interrupted,
                         interrupted_message=jobs.INTERRUPTED_MESSAGE)


def job_download(job_id: str):
    current_view(VIEWS)
    return jobs.send_result(jobs.get_own_or_404(current_user, job_id), current_user)


_JOB = "<string(length=32):job_id>"
_ROUTES = (
    ("/jobs", "jobs", jobs_page, GET),
    (f"/jobs/{_JOB}", "job", job_page, GET),
    (f"/jobs/{_JOB}/download", "job_download", job_download, GET),
)
ROUTES: RouteTable = {role: _ROUTES for role in ROLES}
