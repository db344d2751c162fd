from datetime import datetime

from flask import current_app, request
from flask_babel import get_timezone

from portal.blueprints.enterprise import bp
from portal.catalogue import institutions
from portal.extensions import db
from portal.orgs import own_pages as own_org
from portal.web.render import page_or_block


@bp.get("/")
def home():
    return own_org.home("enterprise")


@bp.route("/organisation/edit", methods=["GET", "POST"])
def edit_organisation():
    return own_org.edit("enterprise")


@bp.post("/organisation/submit")
def submit_organisation():
    return own_org.submit("enterprise")


@bp.get("/institutions")
def institution_catalogue():
    """AP-I4: the catalogue of approved institutions, searchable by name and occupation."""
    name = request.args.get("q", "").strip()[:50]
    occupation = request.args.get("occupation", "").strip()[:50]
    page = db.paginate(institutions.search(name, occupation),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    today = datetime.now(get_timezone()).date()
    valid = {org.id: institutions.licence_valid_on(org, today) for org in page.items}
    return page_or_block("enterprise/institutions.html", "results", page=page, q=name,
                         occupation=occupation, valid=valid)
