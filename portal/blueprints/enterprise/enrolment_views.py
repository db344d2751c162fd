"""enrolment_views pages of the enterprise role (apprenticeship part 2)."""

from portal.blueprints.enterprise import bp  # noqa: F401
