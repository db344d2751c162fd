"""Class sessions of the institution side: open, rotating QR code, live list, close, evidence."""

from portal.apprenticeship.training import attendance_pages
from portal.blueprints.institution import bp
from portal.web.routes import bind_with_prefix

bind_with_prefix(bp, "institution", attendance_pages.ROUTES)
