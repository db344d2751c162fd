"""学徒报名 by the enterprise (AP-W2): the programme's apprentices, the form with live
checks, Excel import, submission, training agreements (AP-A1), initial passwords."""

import sqlalchemy as sa
from flask import (
    abort,
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
from sqlalchemy.orm import joinedload

from portal import rules
from portal.access import can, enrolments_for, get_or_404_for
from portal.blueprints import enrolment_pages as pages
from portal.blueprints.enterprise import bp
from portal.extensions import db
from portal.forms.enrolment import AgreementForm, EnrolmentForm, ImportForm
from portal.models import Apprentice, Enrolment, EnrolmentState, Programme
from portal.render import page_or_block
from portal.services import enrolment_import as importer
from portal.services import enrolments as svc
from portal.services.errors import ServiceError

FORM_TEMPLATE = "enrolment/form.html"
ROSTER_TEMPLATE = "enrolment/roster.html"
IMPORT_TEMPLATE = "enrolment/import.html"
PENDING_IMPORT = "enrolment_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme(programme_id: int) -> Programme:
    return get_or_404_for(current_user, Programme, programme_id)


def _roster_url(programme_id: int) -> str:
    return url_for("enterprise.programme_apprentices", programme_id=programme_id)


@bp.get("/enrolments", endpoint="enrolments")
def enrolments_list():
    return pages.queue_page("enterprise")


@bp.get("/enrolments/import-template.xlsx")
def enrolment_import_template():
    response = make_response(importer.template())
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AD%A6%E5%BE%92%E5%90%8D%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@bp.get("/programmes/<int:programme_id>/apprentices")
def programme_apprentices(programme_id: int):
    programme = _programme(programme_id)
    q = (enrolments_for(current_user).options(joinedload(Enrolment.apprentice))
         .where(Enrolment.programme_id == programme.id).order_by(Enrolment.id))
    page = db.paginate(q, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    drafts = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.programme_id == programme.id, Enrolment.enterprise_id == current_user.org_id,
        Enrolment.status.in_((EnrolmentState.DRAFT, EnrolmentState.RETURNED))))
    return render_template(ROSTER_TEMPLATE, programme=programme, page=page, drafts=drafts,
                           may_register=svc.can_register(current_user, programme),
                           agreement_form=AgreementForm(), header=pages.programme_header(programme),
                           hire_types=rules.HIRE_TYPES)


def _form_page(form: EnrolmentForm, programme: Programme, enrolment=None):
    return render_template(FORM_TEMPLATE, form=form, programme=programme, enrolment=enrolment,
                           header=pages.programme_header(programme))


@bp.route("/programmes/<int:programme_id>/apprentices/new", methods=["GET", "POST"])
def new_enrolment(programme_id: int):
    programme = _programme(programme_id)
    if not svc.can_register(current_user, programme):
        flash("培训项目经市级审核通过后才能办理学徒报名（规则 AP-W2）", "error")
        return redirect(url_for("enterprise.programme", programme_id=programme_id))
    form = EnrolmentForm(params=svc.params_for(programme))
    if form.validate_on_submit():
        try:
            enrolment = svc.register(current_user, programme, form.registration())
        except (ServiceError, rules.RuleViolation) as err:
            db.session.rollback()
            _show_refusal(form, err)
        else:
            db.session.commit()
            flash("已保存为草稿。请登记培训协议，并提交区人社局审核。", "success")
            return redirect(url_for("enterprise.enrolment", enrolment_id=enrolment.id))
    return _form_page(form, programme)


def _show_refusal(form: EnrolmentForm, err) -> None:
    if isinstance(err, rules.RuleViolation):
        form.show_violation(err)
    else:
        form.form_errors.append(err.message)


@bp.post("/programmes/<int:programme_id>/apprentices/check/<field>")
def check_enrolment_field(programme_id: int, field: str):
    """Live validation of one field with the same validators the final submit runs."""
    programme = _programme(programme_id)
    form = EnrolmentForm(params=svc.params_for(programme))
    if field not in form.LIVE_FIELDS:
        abort(404)
    form.check_field(field)
    return page_or_block(FORM_TEMPLATE, f"{field}_error", form=form)


@bp.route("/enrolments/<int:enrolment_id>/edit", methods=["GET", "POST"])
def edit_enrolment(enrolment_id: int):
    enrolment = pages.load(enrolment_id)
    if not can(current_user, "edit", enrolment):
        flash("该学徒报名已提交，不能修改（规则 AP-W4）", "error")
        return redirect(url_for("enterprise.enrolment", enrolment_id=enrolment_id))
    programme = db.session.get(Programme, enrolment.programme_id)
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    data = None if request.method == "POST" else EnrolmentForm.data_of(enrolment, person)
    form = EnrolmentForm(params=svc.params_for(programme), data=data,
                         current=svc.Registration.of(enrolment, person))
    if form.validate_on_submit():
        try:
            svc.update(current_user, enrolment, form.registration())
        except (ServiceError, rules.RuleViolation) as err:
            db.session.rollback()
            _show_refusal(form, err)
        else:
            db.session.commit()
            flash("修改已保存。", "success")
            return redirect(url_for("enterprise.enrolment", enrolment_id=enrolment_id))
    return _form_page(form, programme, enrolment)


@bp.get("/enrolments/<int:enrolment_id>")
def enrolment(enrolment_id: int):
    return pages.detail("enterprise", enrolment_id, agreement_form=AgreementForm())


@bp.post("/enrolments/<int:enrolment_id>/identity")
def enrolment_identity(enrolment_id: int):
    return pages.reveal("enterprise", enrolment_id)


def _act(enrolment_id: int, action, done: str):
    enrolment = pages.load(enrolment_id)
    try:
        action(current_user, enrolment)
    except (ServiceError, rules.RuleViolation) as err:
        db.session.rollback()
        flash(pages.message_of(err), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("enterprise.enrolment", enrolment_id=enrolment_id))


@bp.post("/enrolments/<int:enrolment_id>/submit")
def submit_enrolment(enrolment_id: int):
    return _act(enrolment_id, svc.submit, "已提交所在区人社局审核，并占用一个核定名额。")


@bp.post("/programmes/<int:programme_id>/apprentices/submit")
def submit_all_enrolments(programme_id: int):
    programme = _programme(programme_id)
    try:
        count = svc.submit_all(current_user, programme)
    except (ServiceError, rules.RuleViolation) as err:
        db.session.rollback()
        flash(pages.message_of(err), "error")
    else:
        db.session.commit()
        flash(f"已提交 {count} 名学徒报名，等待区人社局审核。", "success")
    return redirect(_roster_url(programme_id))


def _record_agreement(programme: Programme, ids, *, collective: bool):
    form = AgreementForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
        return False
    try:
        svc.record_agreement(current_user, programme, ids, form.signed_on.data,
                             collective=collective, note=form.note.data, upload=form.upload)
    except (ServiceError, rules.RuleViolation) as err:
        db.session.rollback()
        flash(pages.message_of(err), "error")
        return False
    db.session.commit()
    return True


@bp.post("/enrolments/<int:enrolment_id>/agreement")
def enrolment_agreement(enrolment_id: int):
    enrolment = pages.load(enrolment_id, "record_agreement")
    programme = db.session.get(Programme, enrolment.programme_id)
    if _record_agreement(programme, [enrolment.id], collective=False):
        flash("已登记培训协议（规则 AP-A1）。", "success")
    return redirect(url_for("enterprise.enrolment", enrolment_id=enrolment_id))


@bp.post("/programmes/<int:programme_id>/apprentices/agreement")
def record_collective_agreement(programme_id: int):
    programme = _programme(programme_id)
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    if _record_agreement(programme, ids, collective=True):
        flash(f"已为 {len(set(ids))} 名学徒登记集体培训协议（规则 AP-A1）。", "success")
    return redirect(_roster_url(programme_id))


@bp.post("/enrolments/<int:enrolment_id>/password")
def enrolment_password(enrolment_id: int):
    """生成/重置初始密码: shown once in this response, stored only as a hash; audited."""
    enrolment = pages.load(enrolment_id, "reset_password")
    issued = svc.reset_initial_password(current_user, enrolment)
    db.session.commit()
    if request.headers.get("HX-Request"):
        return pages.private(page_or_block(pages.DETAIL_TEMPLATE, "password", issued=issued,
                                                   e=enrolment))
    return pages.private(pages.detail("enterprise", enrolment_id, issued=issued,
                                      agreement_form=AgreementForm()))


# --- Excel import: upload → preview (file kept on the server) → confirm ------------------


def _import_page(programme: Programme, form: ImportForm, preview=None, error: str | None = None):
    return render_template(IMPORT_TEMPLATE, programme=programme, form=form, preview=preview,
                           error=error, header=pages.programme_header(programme),
                           max_rows=importer.MAX_ROWS)


@bp.route("/programmes/<int:programme_id>/apprentices/import", methods=["GET", "POST"])
def import_enrolments(programme_id: int):
    programme = _programme(programme_id)
    form = ImportForm()
    if not svc.can_register(current_user, programme):
        return _import_page(programme, form, error="培训项目经市级审核通过后才能办理学徒报名（规则 AP-W2）")
    if not form.validate_on_submit():
        return _import_page(programme, form)
    try:
        data = importer.read_upload(request.files.get("file"), current_app.config["UPLOAD_MAX_BYTES"])
        preview = importer.preview(programme, data)
    except ServiceError as err:
        return _import_page(programme, form, error=err.message)
    _forget_import()
    if preview.ok:
        token = importer.stash(data, current_app.config["UPLOAD_DIR"])
        session[PENDING_IMPORT] = {"token": token, "programme_id": programme.id}
    return _import_page(programme, form, preview=preview)


def _forget_import() -> None:
    pending = session.pop(PENDING_IMPORT, None) or {}
    importer.drop_stash(pending.get("token"), current_app.config["UPLOAD_DIR"])


@bp.post("/programmes/<int:programme_id>/apprentices/import/confirm")
def confirm_enrolment_import(programme_id: int):
    programme = _programme(programme_id)
    pending = session.get(PENDING_IMPORT) or {}
    data = (importer.load_stash(pending.get("token"), current_app.config["UPLOAD_DIR"])
            if pending.get("programme_id") == programme.id else None)
    if data is None:
        flash("没有待确认的导入文件，或预览已过期：请重新上传。", "error")
        return redirect(url_for("enterprise.import_enrolments", programme_id=programme_id))
    try:
        count = importer.apply(current_user, programme, data)
    except (ServiceError, rules.RuleViolation) as err:
        db.session.rollback()
        _forget_import()
        flash(pages.message_of(err), "error")
        return redirect(url_for("enterprise.import_enrolments", programme_id=programme_id))
    db.session.commit()
    _forget_import()
    flash(f"已导入并提交 {count} 名学徒报名，等待区人社局审核。", "success")
    return redirect(_roster_url(programme_id))
