"""The host's home page: its own record (the organisation domain's page)."""

from portal.blueprints.host.blueprint import bp
from portal.orgs import pages as orgs

bp.add_url_rule("/", "home", orgs.home)
