"""Bulk 学徒报名 from Excel (AP-W2): upload → preview (file kept on the server) → confirm.

The preview shows every row with its errors; only a clean sheet is stashed, and its token
kept in the session for the confirmation, which re-checks everything before it writes.
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

from portal.apprenticeship.enrolment import importer
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
from portal.models import Programme
from portal.web.commit import commit_or_refuse
from portal.web.routes import GET, GET_POST, POST, Route

IMPORT_TEMPLATE = "enrolment/import.html"
PENDING_IMPORT = "enrolment_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 学徒名单导入模板.xlsx, RFC 5987-encoded
TEMPLATE_DISPOSITION = ("attachment; filename*=UTF-8''%E5%AD%A6%E5%BE%92%E5%90%8D%E5%8D%95"
                        "%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")


def template_download():
    """The empty import template, as an attachment."""
    response = make_response(importer.template())
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = TEMPLATE_DISPOSITION
    return response


def _import_page(programme: Programme, form: ImportForm, preview=None, error: str | None = None):
    return render_template(IMPORT_TEMPLATE, programme=programme, form=form, preview=preview,
                           error=error, header=programme_header(programme),
                           max_rows=importer.MAX_ROWS)


def _import_url(programme_id: int) -> str:
    return url_for("enterprise.import_enrolments", programme_id=programme_id)


def _forget_import() -> None:
    pending = session.pop(PENDING_IMPORT, None) or {}
    importer.STASH.drop(pending.get("token"), current_app.config["UPLOAD_DIR"])


def upload(programme_id: int):
    """The upload form; a posted sheet comes back as a preview, stashed only if clean."""
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
    if preview.ok:
        token = importer.STASH.put(data, current_app.config["UPLOAD_DIR"])
        session[PENDING_IMPORT] = {"token": token, "programme_id": programme.id}
    return _import_page(programme, form, preview=preview)


def confirm(programme_id: int):
    """Import the previewed sheet of this programme: every row submitted, or none."""
    programme = load_programme(programme_id)
    pending = session.get(PENDING_IMPORT) or {}
    data = (importer.STASH.get(pending.get("token"), current_app.config["UPLOAD_DIR"])
            if pending.get("programme_id") == programme.id else None)
    if data is None:
        flash("没有待确认的导入文件，或预览已过期：请重新上传。", "error")
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
)
