"""The district's queue of changes of status (AP-P2, C-REV, C-DIST) and training quality (AP-P4)."""

from portal.blueprints import status_pages as pages
from portal.blueprints.district import bp


@bp.get("/status-changes", endpoint="status_changes")
def status_changes_list():
    return pages.change_list("district")


@bp.get("/status-changes/counts")
def status_change_counts():
    return pages.change_counts_block("district")


@bp.get("/status-changes/<int:change_id>")
def status_change(change_id: int):
    return pages.detail("district", change_id)


@bp.post("/status-changes/<int:change_id>/review")
def review_status_change(change_id: int):
    return pages.decide("district", change_id)


@bp.get("/quality")
def quality():
    return pages.quality_page("district")
