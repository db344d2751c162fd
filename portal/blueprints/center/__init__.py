from flask import Blueprint

from portal.access import require_role
from portal.models import Role

bp = Blueprint("center", __name__, url_prefix="/center")
bp.before_request(require_role(Role.CENTER))

from portal.blueprints.center import (  # noqa: E402,F401
    catalogue_views,
    enrolment_views,
    programme_views,
    status_views,
    views,
)
