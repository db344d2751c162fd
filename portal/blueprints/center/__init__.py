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
from portal.blueprints.domains import bind_domains  # noqa: E402

bind_domains(bp)
