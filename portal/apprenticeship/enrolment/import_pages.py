"""Bulk 学徒报名 from Excel (AP-W2): upload → preview (file kept on the server) → confirm.

The preview shows every row with its errors. Every previewed sheet is stashed, its token kept
in the session with the programme, the enterprise and whether it was clean: a clean sheet
can be confirmed (which re-checks everything before it writes); one with errors can be
previewed again showing only its wrong rows, or downloaded as an error report to fix.
"""

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from portal.apprenticeship.enrolment import import_report, importer
from portal.apprenticeship.enrolment import services as svc
from portal.apprenticeship.enrolment.forms import ImportForm
from portal.apprenticeship.enrolment.queue_pages import programme_header
from portal.apprenticeship.enrolment.registration_pages import (
    NOT_YET_APPROVED,
    load_programme,
    roster_url,
)
from portal.core import spreadsheets
from portal.core.errors import ServiceError
from portal.extensions import htmx
from portal.models import Programme
from portal.web.commit import commit_or_refuse
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, Route

IMPORT_TEMPLATE = "enrolment/import.html"
PENDING_IMPORT = "enrolment_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 学徒名单导入模板.xlsx, RFC 5987-encoded
TEMPLATE_DISPOSITION = ("attachment; filename*=UTF-8''%E5%AD%A6%E5%BE%92%E5%90%8D%E5%8D%95"
                        "%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")
# 学徒名单错误报告.xlsx, RFC 5987-encoded
REPORT_DISPOSITION = ("attachment; filename*=UTF-8''%E5%AD%A6%E5%BE%92%E5%90%8D%E5%8D%95"
                      "%E9%94%99%E8%AF%AF%E6%8A%A5%E5%91%8A.xlsx")
NO_PENDING = "没有待确认的导入文件，或预览已过期：请重新上传。"
ERRORS_ONLY = "errors"  # ?rows=errors: the preview shows only the rows with errors


def template_download():
    """The empty import template, as an attachment."""
    response = make_response(importer.template())
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = TEMPLATE_DISPOSITION
    return response


def _page_context(programme: Programme, form: ImportForm, preview=None,
                  error: str | None = None, errors_only: bool = False) -> dict:
    rows = preview.rows if preview else []
    return dict(programme=programme, form=form, preview=preview, error=error,
                header=programme_header(programme), max_rows=importer.MAX_ROWS,
                errors_only=errors_only,
                shown_rows=[row for row in rows if row.problems] if errors_only else rows,
                all_url=_preview_url(programme.id), errors_url=_preview_url(programme.id, True))


def _preview_url(programme_id: int, errors_only: bool = False) -> str:
    return url_for("enterprise.enrolment_import_preview", programme_id=programme_id,
                   **({"rows": ERRORS_ONLY} if errors_only else {}))


def _import_page(programme: Programme, form: ImportForm, preview=None, error: str | None = None):
    return render_template(IMPORT_TEMPLATE, **_page_context(programme, form, preview, error))


def _import_url(programme_id: int) -> str:
    return url_for("enterprise.import_enrolments", programme_id=programme_id)


def _forget_import() -> None:
    pending = session.pop(PENDING_IMPORT, None) or {}
    importer.STASH.drop(pending.get("token"), current_app.config["UPLOAD_DIR"])


def _pending_upload(programme: Programme, *, clean: bool = False) -> bytes | None:
    """The sheet this enterprise last previewed for `programme`; with `clean`, only one without errors."""
    pending = session.get(PENDING_IMPORT) or {}
    if (pending.get("programme_id") != programme.id
            or pending.get("org_id") != current_user.org_id or (clean and not pending.get("ok"))):
        return None
    return importer.STASH.get(pending.get("token"), current_app.config["UPLOAD_DIR"])


def _upload_gone(programme_id: int):
    flash(NO_PENDING, "error")
    if htmx:  # a redirect would swap the whole import page into the preview table
        response = make_response("")
        response.headers["HX-Redirect"] = _import_url(programme_id)
        return response
    return redirect(_import_url(programme_id))


def upload(programme_id: int):
    """The upload form; a posted sheet comes back as a preview, and is stashed."""
    programme = load_programme(programme_id)
    form = ImportForm()
    if not svc.can_register(current_user, programme):
        return _import_page(programme, form, error=NOT_YET_APPROVED)
    if not form.validate_on_submit():
        return _import_page(programme, form)
    try:
        data = spreadsheets.read_upload(request.files.get("file"), current_app.config["UPLOAD_MAX_BYTES"])
        preview = importer.preview(programme, data)
    except ServiceError as err:
        return _import_page(programme, form, error=err.message)
    _forget_import()
    token = importer.STASH.put(data, current_app.config["UPLOAD_DIR"])
    session[PENDING_IMPORT] = {"token": token, "programme_id": programme.id,
                               "org_id": current_user.org_id, "ok": preview.ok}
    return _import_page(programme, form, preview=preview)


def preview_page(programme_id: int):
    """The stashed sheet's preview again: every row, or (?rows=errors) the wrong ones only."""
    programme = load_programme(programme_id)
    data = _pending_upload(programme)
    if data is None:
        return _upload_gone(programme_id)
    context = _page_context(programme, ImportForm(), importer.preview(programme, data),
                            errors_only=request.args.get("rows") == ERRORS_ONLY)
    return page_or_block(IMPORT_TEMPLATE, "preview_table", **context)


def error_report(programme_id: int):
    """The stashed sheet with each row's errors, as an xlsx to fix and upload again."""
    programme = load_programme(programme_id)
    data = _pending_upload(programme)
    if data is None:
        return _upload_gone(programme_id)
    response = make_response(import_report.error_report(programme, data))
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = REPORT_DISPOSITION
    response.headers["Cache-Control"] = "no-store"  # full ID numbers: keep it out of caches
    return response


def confirm(programme_id: int):
    """Import the previewed sheet of this programme: every row submitted, or none."""
    programme = load_programme(programme_id)
    data = _pending_upload(programme, clean=True)
    if data is None:
        flash(NO_PENDING, "error")
        return redirect(_import_url(programme_id))
    imported = commit_or_refuse(lambda: importer.apply(current_user, programme, data))
    _forget_import()
    if not imported:
        return redirect(_import_url(programme_id))
    flash(f"已导入并提交 {imported.value} 名学徒报名，等待区人社局审核。", "success")
    return redirect(roster_url(programme_id))


ROUTES: tuple[Route, ...] = (
    ("/enrolments/import-template.xlsx", "enrolment_import_template", template_download, GET),
    ("/programmes/<int:programme_id>/apprentices/import", "import_enrolments", upload, GET_POST),
    ("/programmes/<int:programme_id>/apprentices/import/confirm", "confirm_enrolment_import",
     confirm, POST),
    ("/programmes/<int:programme_id>/apprentices/import/preview", "enrolment_import_preview",
     preview_page, GET),
    ("/programmes/<int:programme_id>/apprentices/import/errors.xlsx", "enrolment_import_errors",
     error_report, GET),
)
