from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("center", __name__, url_prefix="/center")
bp.before_request(require_role(Role.CENTER))

from portal.blueprints.center import (  # noqa: E402,F401
    enrolment_views,
    programme_views,
    status_views,
    views,
)
from portal.catalogue import pages as catalogue_pages  # noqa: E402
from portal.web.routes import bind  # noqa: E402

bind(bp, None, catalogue_pages.ROUTES)
