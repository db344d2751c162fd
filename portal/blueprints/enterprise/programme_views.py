"""The enterprise's programme applications (AP-W1)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import rules
from portal.apprenticeship.programmes import pages
from portal.apprenticeship.programmes import services as programmes
from portal.apprenticeship.programmes.forms import ProgrammeForm
from portal.blueprints.enterprise import bp
from portal.core.access import get_or_404_for
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import Organisation
from portal.web.render import page_or_block


def _enterprise() -> Organisation:
    return get_or_404_for(current_user, Organisation, current_user.org_id)


def _save(form: ProgrammeForm, programme=None):
    """Create or update through the service; None when refused (errors are on the form)."""
    files = (request.files.get("agreement"), request.files.get("entrustment_agreement"))
    try:
        if programme is None:
            programme = programmes.create(current_user, form.plan_data(), *files)
        else:
            programmes.update(current_user, programme, form.plan_data(), *files)
    except rules.RuleViolation as err:
        db.session.rollback()
        form.form_errors.append(str(err))
        return None
    except ServiceError as err:
        db.session.rollback()
        form.form_errors.append(err.message)
        return None
    db.session.commit()
    return programme


@bp.get("/programmes", endpoint="programmes")
def programmes_list():
    return pages.list_page("enterprise")


@bp.route("/programmes/new", methods=["GET", "POST"])
def new_programme():
    enterprise = _enterprise()
    form = ProgrammeForm(enterprise)
    if form.validate_on_submit() and (programme := _save(form)):
        flash("项目已保存为草稿。请通知合作培训机构确认，再提交区人社局审核。", "success")
        return redirect(url_for("enterprise.programme", programme_id=programme.id))
    return render_template("programme/form.html", form=form, enterprise=enterprise,
                           programme=None, may_entrust=rules.may_entrust(enterprise.size or "large"))


@bp.get("/programmes/<int:programme_id>")
def programme(programme_id: int):
    return pages.detail("enterprise", programme_id)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
def edit_programme(programme_id: int):
    programme = get_or_404_for(current_user, pages.Programme, programme_id)
    if not pages.can_edit(programme):
        flash("该项目已提交，不能修改（规则 AP-W4）", "error")
        return redirect(url_for("enterprise.programme", programme_id=programme_id))
    enterprise = _enterprise()
    form = ProgrammeForm(enterprise, obj=None if request.method == "POST" else programme,
                         data=None if request.method == "POST" else pages.form_data(programme))
    if form.validate_on_submit() and _save(form, programme):
        flash("修改已保存。内容变更后须由合作培训机构重新确认。", "success")
        return redirect(url_for("enterprise.programme", programme_id=programme_id))
    return render_template("programme/form.html", form=form, enterprise=enterprise,
                           programme=programme,
                           may_entrust=rules.may_entrust(enterprise.size or "large"))


@bp.post("/programmes/<int:programme_id>/submit")
def submit_programme(programme_id: int):
    return pages.act("enterprise", programme_id, programmes.submit, "已提交所在区人社局审核。")


@bp.post("/programmes/check-plan")
def check_programme_plan():
    """Live AP-C1 (warning) and AP-C4 (credits) feedback while the plan is typed."""
    form = ProgrammeForm(_enterprise())
    return page_or_block("programme/form.html", "plan_check", form=form,
                         plan=pages.plan_summary(form))


@bp.get("/programmes/institution-options")
def programme_institution_options():
    """The institution choices for the chosen occupation and start date (AP-I2, AP-I4)."""
    form = ProgrammeForm(_enterprise(), formdata=request.args)
    return page_or_block("programme/form.html", "institution_field", form=form)
