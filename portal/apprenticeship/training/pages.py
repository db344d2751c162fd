"""The training domain's route table: class sessions and credits (enterprise, institution),
the leave queue (enterprise) and the trainee's check-in and leave pages (checkin).

The pages live in the *_pages modules named for their use; this table is the one the role
blueprints bind (blueprints/domains.py).
"""

from portal.apprenticeship.training.attendance_pages import SESSION_ROUTES
from portal.apprenticeship.training.checkin_pages import CHECKIN_ROUTES
from portal.apprenticeship.training.credit_pages import CREDIT_ROUTES
from portal.apprenticeship.training.leave_pages import LEAVE_QUEUE_ROUTES, TRAINEE_LEAVE_ROUTES
from portal.web.routes import RouteTable

ROUTES: RouteTable = {
    "enterprise": SESSION_ROUTES + CREDIT_ROUTES + LEAVE_QUEUE_ROUTES,
    "institution": SESSION_ROUTES + CREDIT_ROUTES,
    "checkin": CHECKIN_ROUTES + TRAINEE_LEAVE_ROUTES,
}
