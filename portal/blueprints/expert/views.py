from flask import render_template

from portal.blueprints.expert.blueprint import bp


@bp.get("/")
def home():
    # Proposals are assigned to experts once the high-skill calls exist.
    return render_template("expert/home.html", assignments=[])
