"""市就业促进中心: city-wide re-review, catalogues and parameters.

The role's home page is its own (views.py); every other page is a domain's, bound from the
domains' route tables.
"""

from portal.blueprints.center import views  # noqa: F401  (registers the home page)
from portal.blueprints.center.blueprint import bp
from portal.blueprints.domains import bind_domains

bind_domains(bp)

__all__ = ["bp"]
