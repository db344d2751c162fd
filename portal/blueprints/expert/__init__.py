"""The 评审专家 role: proposals assigned for scoring."""

from portal.blueprints.expert import views  # noqa: F401  (registers the routes)
from portal.blueprints.expert.blueprint import bp

__all__ = ["bp"]
