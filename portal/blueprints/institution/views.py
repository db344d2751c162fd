"""The institution's home page: its own record (the organisation domain's page)."""

from portal.blueprints.institution.blueprint import bp
from portal.orgs import pages as orgs

bp.add_url_rule("/", "home", orgs.home)
