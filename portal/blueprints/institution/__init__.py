"""培训机构: programme consent, teachers, class sessions, credits.

The role's home page is its own (views.py); every other page is a domain's, bound from the
domains' route tables.
"""

from portal.blueprints.domains import bind_domains
from portal.blueprints.institution import views  # noqa: F401  (registers the home page)
from portal.blueprints.institution.blueprint import bp

bind_domains(bp)

__all__ = ["bp"]
