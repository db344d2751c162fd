"""The trainee list from Excel (HS-W4): template, upload → preview (nothing written, the file
kept on the server) → confirm (re-checked, all rows or none), and the error report."""

from flask import current_app, flash, make_response, redirect, request, session
from flask_login import current_user

from portal.core import spreadsheets
from portal.core.access import can
from portal.core.errors import ServiceError
from portal.extensions import htmx
from portal.high_skill.rosters import importer
from portal.high_skill.rosters.forms import ImportForm
from portal.high_skill.rosters.list_pages import locked
from portal.high_skill.rosters.views import load_project, view
from portal.web.commit import commit_or_refuse
from portal.web.render import page_or_block

IMPORT_TEMPLATE = "high_skill/rosters/import.html"
PENDING = "hs_trainee_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 研修学员名单导入模板.xlsx / 研修学员名单错误报告.xlsx, RFC 5987-encoded
_NAME = "%E7%A0%94%E4%BF%AE%E5%AD%A6%E5%91%98%E5%90%8D%E5%8D%95"
TEMPLATE_DISPOSITION = f"attachment; filename*=UTF-8''{_NAME}%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
REPORT_DISPOSITION = f"attachment; filename*=UTF-8''{_NAME}%E9%94%99%E8%AF%AF%E6%8A%A5%E5%91%8A.xlsx"
NO_PENDING = "没有待确认的导入文件，或预览已过期：请重新上传。"
ERRORS_ONLY = "errors"


def _xlsx(body: bytes, disposition: str):
    response = make_response(body)
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = disposition
    response.headers["Cache-Control"] = "no-store"  # full ID numbers: keep it out of caches
    return response


def template_download():
    return _xlsx(importer.template(), TEMPLATE_DISPOSITION)


def _context(proposal, form, preview=None, error=None, errors_only=False) -> dict:
    rows = preview.rows if preview else []
    return dict(proposal=proposal, form=form, preview=preview, error=error, view=view(),
                max_rows=importer.MAX_ROWS, errors_only=errors_only,
                shown_rows=[r for r in rows if r.problems] if errors_only else rows)


def _page(proposal, form, preview=None, error=None):
    return page_or_block(IMPORT_TEMPLATE, "content", **_context(proposal, form, preview, error))


def _forget() -> None:
    pending = session.pop(PENDING, None) or {}
    importer.STASH.drop(pending.get("token"), current_app.config["UPLOAD_DIR"])


def _pending(proposal, *, clean: bool = False) -> bytes | None:
    """The sheet this host last previewed for `proposal`; with `clean`, one without errors."""
    pending = session.get(PENDING) or {}
    if (pending.get("proposal_id") != proposal.id or pending.get("org_id") != current_user.org_id
            or (clean and not pending.get("ok"))):
        return None
    return importer.STASH.get(pending.get("token"), current_app.config["UPLOAD_DIR"])


def _gone(proposal_id: int):
    flash(NO_PENDING, "error")
    url = view().url("hs_list_import", proposal_id=proposal_id)
    if htmx:
        response = make_response("")
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def upload(proposal_id: int):
    proposal = load_project(proposal_id)
    if not can(current_user, "edit_trainees", proposal):
        return locked(proposal)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(proposal, form)
    try:
        data = spreadsheets.read_upload(request.files.get("file"),
                                        current_app.config["UPLOAD_MAX_BYTES"])
        preview = importer.preview(proposal, data)
    except ServiceError as err:
        return _page(proposal, form, error=err.message)
    _forget()
    token = importer.STASH.put(data, current_app.config["UPLOAD_DIR"])
    session[PENDING] = {"token": token, "proposal_id": proposal.id,
                        "org_id": current_user.org_id, "ok": preview.ok}
    return _page(proposal, form, preview=preview)


def preview_page(proposal_id: int):
    proposal = load_project(proposal_id, "edit_trainees")
    data = _pending(proposal)
    if data is None:
        return _gone(proposal_id)
    context = _context(proposal, ImportForm(), importer.preview(proposal, data),
                       errors_only=request.args.get("rows") == ERRORS_ONLY)
    return page_or_block(IMPORT_TEMPLATE, "preview_table", **context)


def error_report(proposal_id: int):
    proposal = load_project(proposal_id, "edit_trainees")
    data = _pending(proposal)
    if data is None:
        return _gone(proposal_id)
    return _xlsx(importer.error_report(proposal, data), REPORT_DISPOSITION)


def confirm(proposal_id: int):
    proposal = load_project(proposal_id)
    data = _pending(proposal, clean=True)
    if data is None:
        flash(NO_PENDING, "error")
        return redirect(view().url("hs_list_import", proposal_id=proposal_id))
    imported = commit_or_refuse(lambda: importer.apply(current_user, proposal, data))
    _forget()
    if not imported:
        return redirect(view().url("hs_list_import", proposal_id=proposal_id))
    flash(f"已导入 {imported.value} 名学员。", "success")
    return redirect(view().url("hs_list", proposal_id=proposal_id))
