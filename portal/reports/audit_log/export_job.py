"""The audit-log export as a background job (issue 14 item 6), for more rows than a
request should build: the same filters, scope (the starter's, C-DIST) and masking as the
synchronous export, up to `export.JOB_CAP` rows, with a progress bar."""

from pathlib import Path

from portal.core import jobs
from portal.extensions import db
from portal.models import Job, Role, User
from portal.reports.audit_log import export, query
from portal.web.districts import all_districts

KIND = "audit_log_export"


def start(user, filters: query.Filters) -> Job:
    """Queue the export (flushes; the view commits). Params are the filters' query args,
    parsed again by the job as if typed: nothing in them widens the scope."""
    return jobs.start(user, KIND, filters.args())


def run(params: dict, progress, out_path: Path) -> str:
    user = db.session.get(User, params["user_id"])
    city_wide = user.role == Role.CENTER
    codes = {d.code for d in all_districts()} if city_wide else set()
    filters = query.parse(params, city_wide=city_wide, district_codes=codes)
    data, _ = export.entries_xlsx(user, filters, cap=export.JOB_CAP, progress=progress)
    out_path.write_bytes(data)
    return "操作日志.xlsx"


jobs.register(KIND, run, label="操作日志导出（Excel）")
