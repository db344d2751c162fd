from portal.blueprints import own_org
from portal.blueprints.enterprise import bp


@bp.get("/")
def home():
    return own_org.home("enterprise")


@bp.post("/organisation/submit")
def submit_organisation():
    return own_org.submit("enterprise")


@bp.get("/institutions")
def institution_catalogue():
    return "institution catalogue: under construction"
