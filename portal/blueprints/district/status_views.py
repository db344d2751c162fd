"""The district's queue of changes of status (AP-P2, C-REV, C-DIST) and training quality (AP-P4)."""

from portal.apprenticeship.status import pages
from portal.blueprints.district import bp
from portal.web.routes import bind_with_prefix

bind_with_prefix(bp, "district", pages.ROUTES + pages.DETAIL_ROUTES + pages.REVIEW_ROUTES)
