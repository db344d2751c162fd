"""Login, logout, password change and self-registration."""

from portal.blueprints.auth import views  # noqa: F401  (registers the routes)
from portal.blueprints.auth.blueprint import bp

__all__ = ["bp"]
