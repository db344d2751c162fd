"""The auditor's home page: its open grants and the programmes they cover."""

from portal.blueprints.auditor.blueprint import bp
from portal.supervision.audits import auditor_pages

bp.add_url_rule("/", "home", auditor_pages.home)
