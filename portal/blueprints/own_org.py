"""An organisation's own pages, shared by the enterprise and institution blueprints."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from portal.access import get_or_404_for
from portal.extensions import db
from portal.models import Organisation
from portal.services import audit, organisations
from portal.services.errors import ServiceError


def home(endpoint_prefix: str):
    org = get_or_404_for(current_user, Organisation, current_user.org_id)
    return render_template(
        "org/home.html", org=org, prefix=endpoint_prefix,
        timeline=audit.timeline(organisations.OBJECT_TYPE, org.id),
    )


def submit(endpoint_prefix: str):
    org = get_or_404_for(current_user, Organisation, current_user.org_id)
    try:
        organisations.submit(current_user, org)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash("已提交所在区人社局审核。", "success")
    return redirect(url_for(f"{endpoint_prefix}.home"))
