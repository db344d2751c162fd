"""The centre's read-only overview of changes of status (AP-P2) and city-wide quality (AP-P4)."""

from portal.blueprints import status_pages as pages
from portal.blueprints.center import bp


@bp.get("/status-changes", endpoint="status_changes")
def status_changes_list():
    return pages.change_list("center")


@bp.get("/status-changes/counts")
def status_change_counts():
    return pages.change_counts_block("center")


@bp.get("/status-changes/<int:change_id>")
def status_change(change_id: int):
    return pages.detail("center", change_id)


@bp.get("/quality")
def quality():
    return pages.quality_page("center")
