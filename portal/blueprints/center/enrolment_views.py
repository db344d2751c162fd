"""The centre's city-wide view of apprentices and student records (read-only, C-PII)."""

from portal.apprenticeship.enrolment import pages
from portal.blueprints.center import bp


@bp.get("/enrolments", endpoint="enrolments")
def enrolments_list():
    return pages.queue_page("center")


@bp.get("/enrolments/counts")
def enrolment_counts():
    return pages.counts("center")


@bp.get("/enrolments/<int:enrolment_id>")
def enrolment(enrolment_id: int):
    return pages.detail("center", enrolment_id)


@bp.post("/enrolments/<int:enrolment_id>/identity")
def enrolment_identity(enrolment_id: int):
    return pages.reveal("center", enrolment_id)
