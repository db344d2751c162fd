"""Mentors (AP-M1..M4) and credits (AP-C4) pages of the institution side; shared logic."""

from portal.apprenticeship.mentors import pages as mentor_pages
from portal.apprenticeship.training import credit_pages
from portal.blueprints.institution import bp
from portal.web.routes import bind_with_prefix

bind_with_prefix(bp, "institution", mentor_pages.ROUTES + credit_pages.ROUTES)
