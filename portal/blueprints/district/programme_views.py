"""Programme review queue of this step (AP-W1), inline with htmx."""

from portal.blueprints import programme_pages as pages
from portal.blueprints.district import bp
from portal.blueprints.routes import bind

bind(bp, "district", pages.REVIEW_ROUTES)
