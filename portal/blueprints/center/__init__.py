from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("center", __name__, url_prefix="/center")
bp.before_request(require_role(Role.CENTER))

from portal.blueprints.domains import bind_domains, import_views  # noqa: E402

# TRANSITIONAL: view modules move into the domains' route tables one by one.
import_views(__name__, ('enrolment_views', 'programme_views', 'status_views', 'views'))
bind_domains(bp)
