from portal.blueprints.institution import bp
from portal.orgs import own_pages as own_org


@bp.get("/")
def home():
    return own_org.home("institution")


@bp.route("/organisation/edit", methods=["GET", "POST"])
def edit_organisation():
    return own_org.edit("institution")


@bp.post("/organisation/submit")
def submit_organisation():
    return own_org.submit("institution")
