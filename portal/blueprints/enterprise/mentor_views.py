"""Mentors (AP-M1..M4) and credits (AP-C4) pages of the enterprise side; shared logic."""

from portal.apprenticeship.mentors import pages as mentor_pages
from portal.apprenticeship.training import credit_pages
from portal.blueprints.enterprise import bp
from portal.web.routes import bind_with_prefix

bind_with_prefix(bp, "enterprise", mentor_pages.ROUTES + credit_pages.ROUTES)
