"""Mentors (AP-M1..M4) and credits (AP-C4) pages of the institution side; shared logic."""

from portal.blueprints import credit_pages, mentor_pages
from portal.blueprints.institution import bp
from portal.blueprints.routes import bind

bind(bp, "institution", mentor_pages.ROUTES + credit_pages.ROUTES)
