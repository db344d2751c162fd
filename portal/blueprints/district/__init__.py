from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("district", __name__, url_prefix="/district")
bp.before_request(require_role(Role.DISTRICT))

from portal.blueprints.district import (  # noqa: E402,F401
    enrolment_views,
    programme_views,
    status_views,
    views,
)
