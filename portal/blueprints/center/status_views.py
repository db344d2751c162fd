"""status_views pages of the center role (apprenticeship part 2)."""

from portal.blueprints.center import bp  # noqa: F401
