import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from portal.blueprints.center.blueprint import bp
from portal.extensions import db
from portal.models import District, Organisation, Programme, ReviewState
from portal.worklist import worklist_for


@bp.get("/")
def home():
    # One grouped query for the whole city: districts × review states.
    rows = db.session.execute(
        sa.select(District.code, District.name, Organisation.state, sa.func.count(Organisation.id))
        .outerjoin(Organisation, Organisation.district_code == District.code)
        .group_by(District.code, District.name, District.sort_order, Organisation.state)
        .order_by(District.sort_order)
    ).all()
    table: dict[str, dict] = {}
    for code, name, status, count in rows:
        entry = table.setdefault(code, {"name": name, "counts": {}, "programmes": {}})
        if status is not None:
            entry["counts"][status] = count
    programme_rows = db.session.execute(
        sa.select(Programme.district_code, Programme.state, sa.func.count())
        .group_by(Programme.district_code, Programme.state)
    ).all()
    for code, status, count in programme_rows:
        table[code]["programmes"][status] = count
    return render_template("center/home.html", table=table, states=list(ReviewState),
                           work=worklist_for(current_user))
