"""The centre's read-only overview of changes of status (AP-P2) and city-wide quality (AP-P4)."""

from portal.apprenticeship.status import pages
from portal.blueprints.center import bp
from portal.web.routes import bind_with_prefix

bind_with_prefix(bp, "center", pages.ROUTES + pages.DETAIL_ROUTES)
