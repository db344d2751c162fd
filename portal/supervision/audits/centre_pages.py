"""The centre's audit pages (AP-V4, HS-W10): audit firms and their accounts, grants of
programmes or years, and the firms' conclusions per organisation and year. A district
reads the conclusions on its own organisations (C-DIST)."""

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.clock import today
from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.models import AuditGrant, AuditResult, Organisation, Programme, Role
from portal.supervision.audits import firms, grants, results
from portal.supervision.audits.access import firms_for, grants_for, open_grant, results_for
from portal.supervision.audits.forms import AccountForm, FirmForm, GrantForm, ResultForm
from portal.web.commit import commit_or_refuse
from portal.web.pagination import paginate, paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST
from portal.web.validators import choices

T = "supervision/audits/"
Firm = aliased(Organisation, name="firm")
Audited = aliased(Organisation, name="audited")


# --- Firms and their accounts ---------------------------------------------------------------


def _firm_choices(empty: str = "请选择") -> list:
    return choices([(0, empty)] + [(f.id, f.name) for f in db.session.scalars(
        firms_for(current_user).order_by(Organisation.name))])


def _account_form() -> AccountForm:
    form = AccountForm()
    form.firm_id.choices = _firm_choices()
    return form


def _firms_page(form=None, account_form=None, status_code=200):
    page = paginate(firms_for(current_user).order_by(Organisation.name))
    accounts = firms.firm_accounts([f.id for f in page.items])
    return page_or_block(T + "firms.html", "results", status_code=status_code, page=page,
                         accounts=accounts, form=form or FirmForm(),
                         account_form=account_form or _account_form())


def firm_list():
    form = FirmForm()
    if request.method == "POST":
        if form.validate_on_submit():
            done = commit_or_refuse(lambda: firms.create_firm(
                current_user, name=form.name.data, credit_code=form.credit_code.data,
                district_code=form.district_code.data, contact_name=form.contact_name.data or "",
                contact_phone=form.contact_phone.data or ""), done="第三方机构已登记。", form=form)
            if done:
                return redirect(url_for("center.audit_firms"))
        return _firms_page(form=form, status_code=422)
    return _firms_page()


def add_account():
    form = _account_form()
    # The choice is checked against the listed firms first: a made-up id never reaches SQL.
    firm = (db.session.scalar(firms_for(current_user).where(Organisation.id == form.firm_id.data))
            if form.validate_on_submit() else None)
    if firm is not None:
        done = commit_or_refuse(lambda: firms.add_account(
            current_user, firm, username=form.username.data,
            display_name=form.display_name.data or "", password=form.password.data),
            done="审计账号已开设；请将用户名和初始密码交给该机构。", form=form)
        if done:
            return redirect(url_for("center.audit_firms"))
    return _firms_page(account_form=form, status_code=422)


# --- Grants ---------------------------------------------------------------------------------


def _grant_form() -> GrantForm:
    form = GrantForm()
    form.firm_id.choices = _firm_choices()
    return form


def _grants_page(form=None, status_code=200):
    show = request.args.get("show", "open")
    q = (grants_for(current_user).add_columns(Firm.name.label("firm_name"))
         .join(Firm, Firm.id == AuditGrant.firm_id))
    if show != "all":
        show = "open"
        q = q.where(open_grant(today()))
    page = paginate_rows(q.order_by(AuditGrant.id.desc()))
    return page_or_block(T + "grants.html", "results", status_code=status_code, page=page,
                         show=show, form=form or _grant_form(), day=today())


def grant_list():
    form = _grant_form()
    if request.method == "POST":
        if form.validate_on_submit():
            firm = db.session.scalar(firms_for(current_user)
                                     .where(Organisation.id == form.firm_id.data))
            programme = (db.session.get(Programme, form.programme_id.data)
                         if form.programme_id.data else None)
            if firm is None:
                form.firm_id.errors.append("请选择第三方机构")
            elif form.programme_id.data and programme is None:
                form.programme_id.errors.append("没有该编号的项目")
            else:
                done = commit_or_refuse(lambda: grants.grant(
                    current_user, firm, programme=programme, year=form.year.data,
                    expires_on=form.expires_on.data, note=form.note.data or "", day=today()),
                    done="已授予审计权限。", form=form)
                if done:
                    return redirect(url_for("center.audit_grants"))
        return _grants_page(form=form, status_code=422)
    return _grants_page()


def revoke_grant(grant_id: int):
    row = get_or_404_for(current_user, AuditGrant, grant_id, "revoke")
    commit_or_refuse(lambda: grants.revoke(current_user, row), done="已撤销审计权限。")
    return redirect(url_for("center.audit_grants"))


# --- Results --------------------------------------------------------------------------------


def _result_form() -> ResultForm:
    form = ResultForm()
    form.firm_id.choices = _firm_choices("（未登记的机构）")
    return form


def _results_page(form=None, status_code=200):
    year = request.args.get("year", type=int)
    q = (results_for(current_user)
         .add_columns(Audited.name.label("org_name"), Firm.name.label("firm_name"))
         .join(Audited, Audited.id == AuditResult.organisation_id)
         .outerjoin(Firm, Firm.id == AuditResult.firm_id))
    if year in grants.YEARS:
        q = q.where(AuditResult.year == year)
    else:
        year = None
    page = paginate_rows(q.order_by(AuditResult.year.desc(), AuditResult.id.desc()))
    centre = current_user.role == Role.CENTER
    if centre and form is None:
        form = _result_form()
    return page_or_block(T + "results.html", "results", status_code=status_code, page=page,
                         year=year, form=form if centre else None,
                         blueprint=request.blueprint)


def result_list():
    if request.method == "POST":
        if current_user.role != Role.CENTER:
            abort(403)
        form = _result_form()
        if form.validate_on_submit():
            org = db.session.scalar(sa.select(Organisation).where(
                Organisation.credit_code == form.credit_code.data))
            firm = db.session.get(Organisation, form.firm_id.data) if form.firm_id.data else None
            if org is None:
                form.credit_code.errors.append("没有该统一社会信用代码的单位")
            else:
                done = commit_or_refuse(lambda: results.record_result(
                    current_user, org, year=form.year.data, firm=firm,
                    passed=form.passed.data == "1", findings=form.findings.data or "",
                    audited_on=form.audited_on.data, day=today()),
                    done="审计结论已登记。", form=form)
                if done:
                    return redirect(url_for("center.audit_results"))
        return _results_page(form=form, status_code=422)
    return _results_page()


ROUTES = {
    "center": (
        ("/audits/firms", "audit_firms", firm_list, GET_POST),
        ("/audits/accounts", "audit_firm_account", add_account, POST),
        ("/audits/grants", "audit_grants", grant_list, GET_POST),
        ("/audits/grants/<int:grant_id>/revoke", "revoke_audit_grant", revoke_grant, POST),
        ("/audits/results", "audit_results", result_list, GET_POST),
    ),
    "district": (("/audits/results", "audit_results", result_list, GET),),
}
