"""Programme review queue of this step (AP-W1), inline with htmx."""

from portal.apprenticeship.programmes import pages
from portal.blueprints.center import bp
from portal.web.routes import bind_with_prefix

bind_with_prefix(bp, "center", pages.REVIEW_ROUTES)
