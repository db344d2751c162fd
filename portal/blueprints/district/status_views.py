"""status_views pages of the district role (apprenticeship part 2)."""

from portal.blueprints.district import bp  # noqa: F401
