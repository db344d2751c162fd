from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("institution", __name__, url_prefix="/institution")
bp.before_request(require_role(Role.INSTITUTION))

from portal.blueprints.institution import (  # noqa: E402,F401
    attendance_views,
    mentor_views,
    programme_views,
    views,
)
