"""The 评审专家 role: proposals assigned for scoring (HS-W3).

The home page is the expert's list of assignments (views.py); every other page is a
domain's, bound from the domains' route tables.
"""

from portal.blueprints.domains import bind_domains
from portal.blueprints.expert import views  # noqa: F401  (registers the home page)
from portal.blueprints.expert.blueprint import bp

bind_domains(bp)

__all__ = ["bp"]
