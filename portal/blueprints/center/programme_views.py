"""Programme review queue of this step (AP-W1), inline with htmx."""

from portal.blueprints import programme_pages as pages
from portal.blueprints.center import bp


@bp.get("/programmes", endpoint="programmes")
def programmes_list():
    return pages.list_page("center")


@bp.get("/programmes/counts")
def programme_counts():
    return pages.counts("center")


@bp.get("/programmes/<int:programme_id>")
def programme(programme_id: int):
    return pages.detail("center", programme_id)


@bp.post("/programmes/<int:programme_id>/review")
def review_programme(programme_id: int):
    return pages.decide("center", programme_id)
