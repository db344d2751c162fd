"""承办单位 of the high-skill programme that are neither enterprise nor institution
(universities, research institutes, HS-H1). Enterprises and institutions host through their
own blueprints, which bind the same pages.
"""

from portal.blueprints.domains import bind_domains
from portal.blueprints.host import views  # noqa: F401  (registers the home page)
from portal.blueprints.host.blueprint import bp

bind_domains(bp)

__all__ = ["bp"]
