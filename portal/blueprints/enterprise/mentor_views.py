"""Mentors (AP-M1..M4) and credits (AP-C4) pages of the enterprise side; shared logic."""

from portal.blueprints import credit_pages, mentor_pages
from portal.blueprints.enterprise import bp
from portal.blueprints.routes import bind

bind(bp, "enterprise", mentor_pages.ROUTES + credit_pages.ROUTES)
