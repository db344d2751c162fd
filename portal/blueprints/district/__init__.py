"""区人社局: review queues of its own district (C-DIST).

The role's home page is its own (views.py); every other page is a domain's, bound from the
domains' route tables.
"""

from portal.blueprints.district import views  # noqa: F401  (registers the home page)
from portal.blueprints.district.blueprint import bp
from portal.blueprints.domains import bind_domains

bind_domains(bp)

__all__ = ["bp"]
