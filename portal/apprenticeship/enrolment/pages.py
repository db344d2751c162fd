"""The apprentice (enrolment) pages of each role blueprint (AP-W2, AP-A1, C-PII).

The list, the review, the detail page and the audited full-ID view are in ``queue_pages``;
the enterprise's registration in ``registration_pages`` and its Excel import in
``import_pages``.
"""

from portal.apprenticeship.enrolment import import_pages, registration_pages
from portal.apprenticeship.enrolment.queue_pages import (
    bulk_approve,
    counts,
    decide,
    detail,
    find_by_id,
    queue_page,
    reveal,
)
from portal.web.routes import GET, POST, Route, RouteTable

_LIST: tuple[Route, ...] = (
    ("/enrolments", "enrolments", queue_page, GET),
    ("/enrolments/find", "find_enrolment", find_by_id, POST),
    ("/enrolments/<int:enrolment_id>", "enrolment", detail, GET),
    ("/enrolments/<int:enrolment_id>/identity", "enrolment_identity", reveal, POST),
)
_COUNTS: tuple[Route, ...] = (("/enrolments/counts", "enrolment_counts", counts, GET),)

ROUTES: RouteTable = {
    "district": _LIST + _COUNTS + (
        ("/enrolments/approve", "bulk_approve_enrolments", bulk_approve, POST),
        ("/enrolments/<int:enrolment_id>/review", "review_enrolment", decide, POST),
    ),
    "center": _LIST + _COUNTS,
    "enterprise": _LIST + registration_pages.ROUTES + import_pages.ROUTES,
}
