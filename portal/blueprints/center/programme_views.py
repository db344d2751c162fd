"""Programme review queue of this step (AP-W1), inline with htmx."""

from portal.blueprints import programme_pages as pages
from portal.blueprints.center import bp
from portal.blueprints.routes import bind

bind(bp, "center", pages.REVIEW_ROUTES)
