"""Catalogue and parameter management by the municipal centre (AP-P5, AP-$1, AP-E6 …)."""

from datetime import date
from io import BytesIO

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.catalogue import admin, institution_pages, sheets
from portal.catalogue.forms import (
    ConfirmImportForm,
    ListImportForm,
    ListVersionForm,
    OccupationEditForm,
    OccupationForm,
    OccupationImportForm,
    ParameterValueForm,
)
from portal.catalogue.lookups import (
    base_version,
    list_summary,
    members_select,
    memberships,
    occupation_search,
    parameter_overview,
    today,
    version_diff,
    version_form_data,
    versions,
)
from portal.core import spreadsheets
from portal.core.errors import ServiceError
from portal.extensions import db, htmx
from portal.models import CatalogueKind, CatalogueVersion, Occupation
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int
from portal.web.pagination import paginate
from portal.web.render import page_or_block, toast
from portal.web.routes import GET, GET_POST, POST, RouteTable

OCCUPATIONS = "center/catalogue/occupations.html"
PENDING = "catalogue_import"  # session key: the stored upload awaiting confirmation
LABELS = {"kinds": list(CatalogueKind), "short_labels": sheets.SHORT_LABELS,
          "targets": sheets.IMPORT_TARGETS}


def _day() -> date:
    """The date whose list versions a page shows (?on=YYYY-MM-DD), today by default."""
    try:
        return date.fromisoformat(request.args.get("on", ""))
    except ValueError:
        return today()


def _kind(kind: str) -> CatalogueKind:
    try:
        return CatalogueKind(kind)
    except ValueError:
        abort(404)


def _xlsx(data: bytes, name: str):
    response = send_file(BytesIO(data), mimetype=sheets.XLSX_MIME, as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------- occupations


def catalogues():
    day, q = _day(), request.args.get("q", "").strip()[:40]
    kind = request.args.get("list", "")
    kind = CatalogueKind(kind) if kind in {k.value for k in CatalogueKind} else None
    page = paginate(occupation_search(q, kind, day))
    return page_or_block(
        OCCUPATIONS, "results", page=page, q=q, day=day, list_kind=kind,
        flags=memberships([o.id for o in page.items], day),
        summary=list_summary(today()), **LABELS)


def _row(occupation: Occupation, form=None, status_code: int = 200):
    """htmx: the table row, read-only or with its edit form; else the full edit page."""
    day = _day()
    ctx = dict(occ=occupation, form=form, day=day, editing=form is not None,
               flags=memberships([occupation.id], day), **LABELS)
    if htmx and not htmx.boosted:
        return render_block(OCCUPATIONS, "row", **ctx), status_code
    if form is None:
        return redirect(url_for("center.catalogues", q=occupation.code))
    return render_template("center/catalogue/occupation_form.html", **ctx), status_code


def occupation_row(occupation_id: int):
    return _row(db.get_or_404(Occupation, occupation_id))


def edit_occupation(occupation_id: int):
    occupation = db.get_or_404(Occupation, occupation_id)
    form = OccupationEditForm(prefix=f"o{occupation.id}",
                              data={"name": occupation.name, "levels": occupation.level_list})
    return _row(occupation, form)


def update_occupation(occupation_id: int):
    occupation = db.get_or_404(Occupation, occupation_id)
    form = OccupationEditForm(prefix=f"o{occupation.id}")
    if not form.validate_on_submit():
        return _row(occupation, form)
    saved = commit_or_refuse(lambda: admin.update_occupation(current_user, occupation,
                                                             form.name.data, form.levels.data),
                             form=form)
    if not saved:
        return _row(occupation, form)
    message = f"已保存：{occupation.code} {occupation.name}" if saved.value else "没有需要保存的修改"
    if htmx and not htmx.boosted:
        return toast(_row_response(occupation), message, "occupationChanged")
    flash(message, "success")
    return redirect(url_for("center.catalogues", q=occupation.code))


def _row_response(occupation: Occupation):
    body, status = _row(occupation)
    return current_app.make_response((body, status))


def new_occupation():
    form = OccupationForm()
    if form.validate_on_submit() and (added := commit_or_refuse(
            lambda: admin.create_occupation(current_user, form.code.data, form.name.data,
                                            form.levels.data), form=form)):
        occupation = added.value
        flash(f"已添加：{occupation.code} {occupation.name}", "success")
        return redirect(url_for("center.catalogues", q=occupation.code))
    return render_template("center/catalogue/occupation_form.html", form=form, occ=None,
                           editing=True, **LABELS)


def export_catalogue():
    day = _day()
    return _xlsx(sheets.export_occupations(day), f"职业目录（{day.isoformat()}）.xlsx")


def catalogue_template(target: str):
    if target not in sheets.IMPORT_TARGETS:
        abort(404)
    return _xlsx(sheets.sheet_template(target), f"{sheets.IMPORT_TARGETS[target]}导入模板.xlsx")


# ---------------------------------------------------------------------------- list versions


def catalogue_list(kind: str):
    kind = _kind(kind)
    return render_template("center/catalogue/list.html", kind=kind, today=today(),
                           versions=versions(kind, today()), **LABELS)


def _version_or_404(kind: CatalogueKind, version_id: int) -> CatalogueVersion:
    version = db.get_or_404(CatalogueVersion, version_id)
    if version.kind != kind:
        abort(404)
    return version


def catalogue_version(kind: str, version_id: int):
    version = _version_or_404(_kind(kind), version_id)
    page = paginate(members_select(version))
    return page_or_block(
        "center/catalogue/version.html", "members", version=version, kind=version.kind,
        page=page, today=today(), diff=version_diff(version), **LABELS)


def export_catalogue_version(kind: str, version_id: int):
    version = _version_or_404(_kind(kind), version_id)
    return _xlsx(sheets.export_version(version),
                 f"{version.kind.label}（{version.effective_from.isoformat()} 起）.xlsx")


def new_catalogue_version(kind: str):
    kind = _kind(kind)
    base = base_version(kind, request.args.get("from", type=db_int), today())
    form = ListVersionForm(data=version_form_data(base, today())
                           if request.method == "GET" else None)
    if form.validate_on_submit() and (saved := commit_or_refuse(
            lambda: admin.create_list_version(current_user, kind, form.effective_from.data,
                                              form.occupation_ids.data, form.note.data),
            form=form)):
        version = saved.value
        flash(f"已保存{kind.label}：{version.effective_from} 起施行", "success")
        return redirect(url_for("center.catalogue_version", kind=kind.value,
                                version_id=version.id))
    return render_template("center/catalogue/version_form.html", form=form, kind=kind,
                           base=base, today=today(), **LABELS)


# ---------------------------------------------------------------------------- Excel import


def _import_page(target: str, form, preview=None, confirm=None):
    return render_template("center/catalogue/import.html", target=target, form=form,
                           preview=preview, confirm=confirm, **LABELS)


def _import_form(target: str):
    if target not in sheets.IMPORT_TARGETS:
        abort(404)
    return OccupationImportForm() if target == "occupations" else ListImportForm()


def import_catalogue(target: str):
    """Upload → every row with its errors; only a faultless sheet is kept for confirmation."""
    form = _import_form(target)
    if not form.validate_on_submit():
        return _import_page(target, form)
    effective_from = getattr(form, "effective_from", None)
    effective_from = effective_from.data if effective_from else None
    try:
        data = spreadsheets.read_upload(form.file.data, current_app.config["UPLOAD_MAX_BYTES"],
                                         "上传的文件为空")
        preview = sheets.preview_import(target, data, effective_from)
    except ServiceError as err:
        form.file.errors.append(err.message)
        return _import_page(target, form)
    if not preview.ok:
        return _import_page(target, form, preview)
    admin.STASH.drop(session.pop(PENDING, {}).get("token"), current_app.config["UPLOAD_DIR"])
    token = admin.STASH.put(data, current_app.config["UPLOAD_DIR"])
    session[PENDING] = {"token": token, "target": target, "note": getattr(form, "note", None)
                        and form.note.data or "",
                        "effective_from": effective_from and effective_from.isoformat()}
    return _import_page(target, form, preview, ConfirmImportForm(token=token))


def confirm_import(target: str):
    """All or nothing, re-checked against the data as it is now, in one transaction."""
    form, pending = ConfirmImportForm(), session.get(PENDING) or {}
    data = admin.STASH.get(pending.get("token"), current_app.config["UPLOAD_DIR"])
    if not form.validate_on_submit() or pending.get("token") != form.token.data \
            or pending.get("target") != target or data is None:
        flash("导入预览已失效（可能已确认过或已重新上传），请重新上传文件", "error")
        return redirect(url_for("center.import_catalogue", target=target))
    effective_from = pending["effective_from"] and date.fromisoformat(pending["effective_from"])
    applied = commit_or_refuse(
        lambda: admin.apply_import(current_user, target, data, effective_from, pending["note"]))
    if isinstance(applied.refusal, sheets.ImportRefused):  # the data changed since the preview
        return _import_page(target, _import_form(target), applied.refusal.preview)
    if not applied:
        return redirect(url_for("center.import_catalogue", target=target))
    admin.STASH.drop(session.pop(PENDING)["token"], current_app.config["UPLOAD_DIR"])
    flash(sheets.import_summary(applied.value), "success")
    if target == "occupations":
        return redirect(url_for("center.catalogues"))
    return redirect(url_for("center.catalogue_list", kind=target))


# ---------------------------------------------------------------------------- parameters


def _parameters_page(form: ParameterValueForm):
    day = today()
    return render_template("center/parameters.html", form=form, today=day,
                           rows=parameter_overview(day))


def parameters():
    return _parameters_page(ParameterValueForm(data={"key": request.args.get("key")}))


def add_parameter():
    form = ParameterValueForm()
    if form.validate_on_submit() and (added := commit_or_refuse(
            lambda: admin.add_parameter_value(current_user, form.key.data, form.value.data,
                                              form.effective_from.data, form.note.data),
            form=form)):
        row, spec = added.value, admin.SPECS[added.value.key]
        flash(f"已保存：{spec.label} {row.value}{spec.unit}，{row.effective_from} 起施行",
              "success")
        return redirect(url_for("center.parameters"))
    return _parameters_page(form)


ROUTES: RouteTable = {"enterprise": institution_pages.ROUTES, "center": (
    ("/catalogues", "catalogues", catalogues, GET),
    ("/catalogues/occupations/<int:occupation_id>", "occupation_row", occupation_row, GET),
    ("/catalogues/occupations/<int:occupation_id>/edit", "edit_occupation", edit_occupation, GET),
    ("/catalogues/occupations/<int:occupation_id>/edit", "update_occupation", update_occupation, POST),
    ("/catalogues/occupations/new", "new_occupation", new_occupation, GET_POST),
    ("/catalogues/export.xlsx", "export_catalogue", export_catalogue, GET),
    ("/catalogues/template/<target>.xlsx", "catalogue_template", catalogue_template, GET),
    ("/catalogues/lists/<kind>", "catalogue_list", catalogue_list, GET),
    ("/catalogues/lists/<kind>/versions/<int:version_id>", "catalogue_version", catalogue_version, GET),
    ("/catalogues/lists/<kind>/versions/<int:version_id>/export.xlsx", "export_catalogue_version", export_catalogue_version, GET),
    ("/catalogues/lists/<kind>/new", "new_catalogue_version", new_catalogue_version, GET_POST),
    ("/catalogues/import/<target>", "import_catalogue", import_catalogue, GET_POST),
    ("/catalogues/import/<target>/confirm", "confirm_import", confirm_import, POST),
    ("/parameters", "parameters", parameters, GET),
    ("/parameters", "add_parameter", add_parameter, POST),
)}
