import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from portal.blueprints.district import bp
from portal.core.access import organisations_for, programmes_for
from portal.extensions import db
from portal.models import Organisation, Programme, ReviewState
from portal.orgs import review_pages as org_review


@bp.get("/")
def home():
    counts = dict(
        db.session.execute(
            organisations_for(current_user)
            .with_only_columns(Organisation.state, sa.func.count())
            .group_by(Organisation.state)
        ).all()
    )
    programme_counts = dict(
        db.session.execute(
            programmes_for(current_user)
            .with_only_columns(Programme.state, sa.func.count())
            .group_by(Programme.state)
        ).all()
    )
    return render_template("district/home.html", counts=counts, states=list(ReviewState),
                           programme_counts=programme_counts)


@bp.get("/organisations")
def organisations():
    return org_review.list_page("district", ReviewState.SUBMITTED)


@bp.get("/organisations/counts")
def organisation_counts():
    return org_review.counts("district", ReviewState.SUBMITTED)


@bp.get("/organisations/<int:org_id>")
def organisation(org_id: int):
    return org_review.detail("district", org_id)


@bp.post("/organisations/<int:org_id>/review")
def review_organisation(org_id: int):
    return org_review.decide("district", org_id)
