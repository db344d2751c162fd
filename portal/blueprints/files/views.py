"""Document downloads."""

from portal.blueprints.files import bp  # noqa: F401
