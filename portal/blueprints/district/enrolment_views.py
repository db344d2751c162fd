"""Apprentice review queue of the district (AP-W2): inline approve / return / reject,
approval of a ticked selection, the detail page with the audited full-ID view (C-PII)."""

from portal.apprenticeship.enrolment import pages
from portal.blueprints.district import bp


@bp.get("/enrolments", endpoint="enrolments")
def enrolments_list():
    return pages.queue_page("district")


@bp.get("/enrolments/counts")
def enrolment_counts():
    return pages.counts("district")


@bp.post("/enrolments/approve")
def bulk_approve_enrolments():
    return pages.bulk_approve("district")


@bp.get("/enrolments/<int:enrolment_id>")
def enrolment(enrolment_id: int):
    return pages.detail("district", enrolment_id)


@bp.post("/enrolments/<int:enrolment_id>/review")
def review_enrolment(enrolment_id: int):
    return pages.decide("district", enrolment_id)


@bp.post("/enrolments/<int:enrolment_id>/identity")
def enrolment_identity(enrolment_id: int):
    return pages.reveal("district", enrolment_id)
