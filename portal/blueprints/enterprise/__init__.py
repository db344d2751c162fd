from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
bp.before_request(require_role(Role.ENTERPRISE))

from portal.blueprints.enterprise import (  # noqa: E402,F401
    attendance_views,
    enrolment_views,
    mentor_views,
    programme_views,
    status_views,
    views,
)
