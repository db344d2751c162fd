"""Programme review queue of this step (AP-W1), inline with htmx."""

from portal.apprenticeship.programmes import pages
from portal.blueprints.district import bp
from portal.web.routes import bind_with_prefix

bind_with_prefix(bp, "district", pages.REVIEW_ROUTES)
