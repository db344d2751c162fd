"""The `host` blueprint object and its role guard; views import it from here (no cycle)."""

from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("host", __name__, url_prefix="/host")
bp.before_request(require_role(Role.HOST))
