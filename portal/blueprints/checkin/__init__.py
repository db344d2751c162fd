from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("checkin", __name__, url_prefix="/m")
bp.before_request(require_role(Role.TRAINEE))

from portal.blueprints.checkin import leave_views, views  # noqa: E402,F401
