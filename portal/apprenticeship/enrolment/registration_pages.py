"""The enterprise's side of 学徒报名 (AP-W2): the programme's roster, the registration form
with live checks, correction (AP-W4), submission, training agreements (AP-A1) and initial
passwords. Only the programme's own enterprise registers; the Excel import is in
``import_pages``, the list, the detail page and the review in ``queue_pages``.
"""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import rules
from portal.apprenticeship.enrolment import services as svc
from portal.apprenticeship.enrolment.access import enrolments_for, own_enrolments_in
from portal.apprenticeship.enrolment.agreements import record_agreement
from portal.apprenticeship.enrolment.checks import Registration, params_for
from portal.apprenticeship.enrolment.forms import AgreementForm, EnrolmentForm
from portal.apprenticeship.enrolment.queue_pages import (
    DETAIL_TEMPLATE,
    detail,
    load,
    private,
    programme_header,
)
from portal.apprenticeship.enrolment.trainee_accounts import reset_initial_password
from portal.core.access import can, get_or_404_for
from portal.extensions import db, htmx
from portal.models import Apprentice, Enrolment, EnrolmentState, Programme
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int_or_none
from portal.web.live_check import require_fragment_request
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, Route

FORM_TEMPLATE = "enrolment/form.html"
ROSTER_TEMPLATE = "enrolment/roster.html"
NOT_YET_APPROVED = "培训项目经市级审核通过后才能办理学徒报名（规则 AP-W2）"


def load_programme(programme_id: int) -> Programme:
    return get_or_404_for(current_user, Programme, programme_id)


def roster_url(programme_id: int) -> str:
    return url_for("enterprise.programme_apprentices", programme_id=programme_id)


def _detail_url(enrolment_id: int) -> str:
    return url_for("enterprise.enrolment", enrolment_id=enrolment_id)


def roster(programme_id: int):
    """The programme's apprentices, with the registration and agreement actions."""
    programme = load_programme(programme_id)
    q = (enrolments_for(current_user).options(joinedload(Enrolment.apprentice))
         .where(Enrolment.programme_id == programme.id).order_by(Enrolment.id))
    page = paginate(q)
    drafts = db.session.scalar(own_enrolments_in(
        current_user, programme.id, (EnrolmentState.DRAFT, EnrolmentState.RETURNED))
        .with_only_columns(sa.func.count()))
    return render_template(ROSTER_TEMPLATE, programme=programme, page=page, drafts=drafts,
                           may_register=svc.can_register(current_user, programme),
                           agreement_form=AgreementForm(), header=programme_header(programme),
                           hire_types=rules.HIRE_TYPES)


def _form_page(form: EnrolmentForm, programme: Programme, enrolment=None):
    return render_template(FORM_TEMPLATE, form=form, programme=programme, enrolment=enrolment,
                           header=programme_header(programme))


def _show_refusal(form: EnrolmentForm, err) -> None:
    if isinstance(err, rules.RuleViolation):
        form.show_violation(err)
    else:
        form.form_errors.append(err.message)


def new_registration(programme_id: int):
    """学徒报名: a draft registration, saved once the form and the service both accept it."""
    programme = load_programme(programme_id)
    if not svc.can_register(current_user, programme):
        flash(NOT_YET_APPROVED, "error")
        return redirect(url_for("enterprise.programme", programme_id=programme_id))
    form = EnrolmentForm(params=params_for(programme))
    if form.validate_on_submit():
        saved = commit_or_refuse(lambda: svc.register(current_user, programme, form.registration()),
                                 done="已保存为草稿。请登记培训协议，并提交区人社局审核。",
                                 flash_error=False)
        if saved:
            return redirect(_detail_url(saved.value.id))
        _show_refusal(form, saved.refusal)
    return _form_page(form, programme)


def check_field(programme_id: int, field: str):
    """Live validation of one field with the same validators the final submit runs."""
    require_fragment_request()
    programme = load_programme(programme_id)
    form = EnrolmentForm(params=params_for(programme))
    if field not in form.LIVE_FIELDS:
        abort(404)
    form.check_field(field)
    return page_or_block(FORM_TEMPLATE, f"{field}_error", form=form)


def edit_registration(enrolment_id: int):
    """AP-W4: correct a draft or returned registration (ID and mobile shown masked)."""
    enrolment = load(enrolment_id)
    if not can(current_user, "edit", enrolment):
        flash("该学徒报名已提交，不能修改（规则 AP-W4）", "error")
        return redirect(_detail_url(enrolment_id))
    programme = db.session.get(Programme, enrolment.programme_id)
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    data = None if request.method == "POST" else EnrolmentForm.data_of(enrolment, person)
    form = EnrolmentForm(params=params_for(programme), data=data,
                         current=Registration.of(enrolment, person))
    if form.validate_on_submit():
        saved = commit_or_refuse(lambda: svc.update(current_user, enrolment, form.registration()),
                                 done="修改已保存。", flash_error=False)
        if saved:
            return redirect(_detail_url(enrolment_id))
        _show_refusal(form, saved.refusal)
    return _form_page(form, programme, enrolment)


def submit(enrolment_id: int):
    """Submit one registration to the district (takes a seat); back to its detail page."""
    enrolment = load(enrolment_id)
    commit_or_refuse(lambda: svc.submit(current_user, enrolment),
                     done="已提交所在区人社局审核，并占用一个核定名额。")
    return redirect(_detail_url(enrolment_id))


def submit_all(programme_id: int):
    """Submit every draft and returned registration of the programme: all, or none."""
    programme = load_programme(programme_id)
    submitted = commit_or_refuse(lambda: svc.submit_all(current_user, programme))
    if submitted:
        flash(f"已提交 {submitted.value} 名学徒报名，等待区人社局审核。", "success")
    return redirect(roster_url(programme_id))


def _record_agreement(programme: Programme, ids, *, collective: bool) -> bool:
    form = AgreementForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
        return False
    return bool(commit_or_refuse(
        lambda: record_agreement(current_user, programme, ids, form.signed_on.data,
                                 collective=collective, note=form.note.data, upload=form.upload)))


def agreement(enrolment_id: int):
    """AP-A1: one apprentice's own training agreement, from the detail page."""
    enrolment = load(enrolment_id, "record_agreement")
    programme = db.session.get(Programme, enrolment.programme_id)
    if _record_agreement(programme, [enrolment.id], collective=False):
        flash("已登记培训协议（规则 AP-A1）。", "success")
    return redirect(_detail_url(enrolment_id))


def collective_agreement(programme_id: int):
    """AP-A1: one collective agreement for the apprentices ticked on the roster."""
    programme = load_programme(programme_id)
    ids = [i for i in map(db_int_or_none, request.form.getlist("ids")) if i is not None]
    if _record_agreement(programme, ids, collective=True):
        flash(f"已为 {len(set(ids))} 名学徒登记集体培训协议（规则 AP-A1）。", "success")
    return redirect(roster_url(programme_id))


def initial_password(enrolment_id: int):
    """生成/重置初始密码: shown once in this response, stored only as a hash; audited."""
    enrolment = load(enrolment_id, "reset_password")
    issued = reset_initial_password(current_user, enrolment)
    db.session.commit()
    if htmx:
        return private(page_or_block(DETAIL_TEMPLATE, "password", issued=issued, e=enrolment))
    return private(detail(enrolment_id, issued=issued))


ROUTES: tuple[Route, ...] = (
    ("/programmes/<int:programme_id>/apprentices", "programme_apprentices", roster, GET),
    ("/programmes/<int:programme_id>/apprentices/new", "new_enrolment", new_registration,
     GET_POST),
    ("/programmes/<int:programme_id>/apprentices/check/<field>", "check_enrolment_field",
     check_field, POST),
    ("/enrolments/<int:enrolment_id>/edit", "edit_enrolment", edit_registration, GET_POST),
    ("/enrolments/<int:enrolment_id>/submit", "submit_enrolment", submit, POST),
    ("/programmes/<int:programme_id>/apprentices/submit", "submit_all_enrolments", submit_all,
     POST),
    ("/enrolments/<int:enrolment_id>/agreement", "enrolment_agreement", agreement, POST),
    ("/programmes/<int:programme_id>/apprentices/agreement", "record_collective_agreement",
     collective_agreement, POST),
    ("/enrolments/<int:enrolment_id>/password", "enrolment_password", initial_password, POST),
)
