import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from portal.apprenticeship.programmes.access import programmes_for
from portal.blueprints.district.blueprint import bp
from portal.extensions import db
from portal.models import Organisation, Programme, ReviewState
from portal.orgs.access import organisations_for
from portal.worklist import worklist_for


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
                           programme_counts=programme_counts, work=worklist_for(current_user))
