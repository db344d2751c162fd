"""mentor_views pages of the institution role (apprenticeship part 2)."""

from portal.blueprints.institution import bp  # noqa: F401
