"""Uploaded documents for every signed-in role."""

from portal.blueprints.files import views  # noqa: F401  (registers the routes)
from portal.blueprints.files.blueprint import bp

__all__ = ["bp"]
