"""The enterprise's home page: its own record (the organisation domain's page)."""

from portal.blueprints.enterprise.blueprint import bp
from portal.orgs import pages as orgs

bp.add_url_rule("/", "home", orgs.home)
