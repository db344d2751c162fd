"""An organisation's own pages, shared by the enterprise and institution blueprints.

The organisation is always the signed-in user's own (`current_user.org_id`); no route here
takes an organisation id from the URL or the form.
"""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from portal import rules
from portal.core import audit
from portal.core.access import can, get_or_404_for
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import Organisation
from portal.orgs import services as organisations
from portal.orgs.forms import EDIT_FORMS


def _own_org() -> Organisation:
    return get_or_404_for(current_user, Organisation, current_user.org_id)


def home(endpoint_prefix: str):
    org = _own_org()
    timeline = audit.timeline(organisations.OBJECT_TYPE, org.id)
    return render_template(
        "org/home.html", org=org, prefix=endpoint_prefix, timeline=timeline,
        return_note=organisations.return_note(org, timeline),
    )


def edit(endpoint_prefix: str):
    """AP-W4: the owner edits while draft or returned, then resubmits from the home page."""
    org = _own_org()
    if not can(current_user, "edit", org):
        flash(organisations.edit_refusal(org), "error")
        return redirect(url_for(f"{endpoint_prefix}.home"))
    form = EDIT_FORMS[org.kind](org=org, occupation_ids=organisations.licensed_occupation_ids(org))
    if form.validate_on_submit():
        try:
            organisations.update(current_user, org, form.org_fields(), form.occupations(),
                                 form.licence_file.data)
        except NotAllowed as err:  # submitted meanwhile (another tab, a colleague)
            db.session.rollback()
            flash(err.message, "error")
            return redirect(url_for(f"{endpoint_prefix}.home"))
        except (ServiceError, rules.RuleViolation) as err:
            db.session.rollback()
            form.form_errors.append(str(err))
        else:
            db.session.commit()
            flash("单位信息已保存。核对无误后请提交所在区审核。", "success")
            return redirect(url_for(f"{endpoint_prefix}.home"))
    return render_template("org/edit.html", form=form, org=org, prefix=endpoint_prefix)


def submit(endpoint_prefix: str):
    org = _own_org()
    try:
        organisations.submit(current_user, org)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash("已提交所在区人社局审核。", "success")
    return redirect(url_for(f"{endpoint_prefix}.home"))
