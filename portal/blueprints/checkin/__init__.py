"""学员 (trainee) phone pages under /m/: check-in, leave, own progress.

The role's home page is its own (views.py); every other page is a domain's, bound from the
domains' route tables.
"""

from portal.blueprints.checkin import views  # noqa: F401  (registers the home page)
from portal.blueprints.checkin.blueprint import bp
from portal.blueprints.domains import bind_domains

bind_domains(bp)

__all__ = ["bp"]
