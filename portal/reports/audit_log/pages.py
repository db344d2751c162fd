"""操作日志: the centre's (all) and a district's (its own) audit-log viewer, its export and
the audited look at a full ID number (C-AUD, C-DIST, C-PII)."""

from dataclasses import dataclass

from flask import Response, abort, current_app, redirect, request
from flask_login import current_user

from portal import rules
from portal.core.access import get_or_404_for
from portal.extensions import db, htmx
from portal.models import AuditLog
from portal.reports.audit_log import export, query, services
from portal.reports.audit_log import export_job as export_job_runner
from portal.reports.audit_log.labels import (
    OBJECT_LABELS,
    action_choices,
    action_label,
    object_label,
)
from portal.web.commit import commit_or_refuse
from portal.web.districts import all_districts
from portal.web.pagination import page_size
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, RoleView, RouteTable, current_view

TEMPLATE = "reports/audit_log/list.html"

# Record pages an entry links to, by object type (only where the blueprint has the page).
RECORD_PAGES = {
    "organisation": ("organisation", "org_id"), "programme": ("programme", "programme_id"),
    "enrolment": ("enrolment", "enrolment_id"), "claim": ("claim", "claim_id"),
    "payment": ("payment", "payment_id"), "recovery": ("recovery", "recovery_id"),
    "status_change": ("status_change", "change_id"),
    "certificate": ("certificate", "certificate_id"),
    "hs_proposal": ("hs_proposal", "proposal_id"), "hs_call": ("hs_call", "call_id"),
}


@dataclass(frozen=True)
class AuditLogView(RoleView):
    city_wide: bool = False

    def record_url(self, entry) -> str | None:
        page = RECORD_PAGES.get(entry.object_type)
        if page is None or self.endpoint(page[0]) not in current_app.view_functions:
            return None
        return self.url(page[0], **{page[1]: entry.object_id})


VIEWS = {
    "district": AuditLogView(blueprint="district"),
    "center": AuditLogView(blueprint="center", city_wide=True),
}


def _filters(view: AuditLogView, districts) -> query.Filters:
    return query.parse(request.args, city_wide=view.city_wide,
                       district_codes={d.code for d in districts})


def _context(view: AuditLogView, filters: query.Filters, districts, **extra) -> dict:
    return dict(view=view, filters=filters, page=query.page(current_user, filters, page_size()),
                districts=districts, actions=action_choices(), kinds=OBJECT_LABELS,
                action_label=action_label, object_label=object_label,
                export_cap=export.EXPORT_CAP, job_cap=export.JOB_CAP, mask_text=rules.mask_pii_text,
                revealed=None, revealed_id=None, **extra)


def entries():
    view = current_view(VIEWS)
    districts = all_districts() if view.city_wide else []
    filters = _filters(view, districts)
    return page_or_block(TEMPLATE, "results", **_context(view, filters, districts))


def entries_xlsx():
    view = current_view(VIEWS)
    districts = all_districts() if view.city_wide else []
    data, _ = export.entries_xlsx(current_user, _filters(view, districts))
    response = Response(data, mimetype=export.XLSX)
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''audit-log.xlsx"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def export_job():
    """More rows than a request should build: a background job with a progress bar."""
    view = current_view(VIEWS)
    districts = all_districts() if view.city_wide else []
    filters = _filters(view, districts)
    done = commit_or_refuse(lambda: export_job_runner.start(current_user, filters))
    if not done:
        return redirect(view.url("audit_log", **filters.args()))
    return redirect(view.url("job", job_id=done.value.id))


def reveal(entry_id: int):
    """C-PII: 显示完整身份证号 (POST with CSRF), itself audited; htmx gets the cell back."""
    view = current_view(VIEWS)
    entry = get_or_404_for(current_user, AuditLog, entry_id, "view_full_id")
    person = services.reveal_identity(current_user, entry)
    if person is None:
        abort(404)
    db.session.commit()
    if htmx:
        response = page_or_block(TEMPLATE, "identity", view=view, e=entry, person=person,
                                 shown=person)
    else:
        # Without JavaScript: the list from this entry on, its number shown.
        districts = all_districts() if view.city_wide else []
        filters = query.Filters(before=entry.id + 1)
        response = page_or_block(TEMPLATE, "results",
                                 **{**_context(view, filters, districts), "revealed": person,
                                    "revealed_id": entry.id})
    response.headers["Cache-Control"] = "private, no-store"
    return response


_ROUTES = (
    ("/audit-log", "audit_log", entries, GET),
    ("/audit-log/export.xlsx", "audit_log_xlsx", entries_xlsx, GET),
    ("/audit-log/export-job", "audit_log_export_job", export_job, POST),
    ("/audit-log/<int:entry_id>/identity", "audit_log_identity", reveal, POST),
)
ROUTES: RouteTable = {"district": _ROUTES, "center": _ROUTES}
