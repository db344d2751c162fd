"""Class sessions of the enterprise side: open, rotating QR code, live list, close, evidence."""

from portal.apprenticeship.training import attendance_pages
from portal.blueprints.enterprise import bp
from portal.web.routes import bind_with_prefix

bind_with_prefix(bp, "enterprise", attendance_pages.ROUTES)
