"""The `auditor` blueprint object and its role guard; views import it from here (no cycle)."""

from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("auditor", __name__, url_prefix="/auditor")
bp.before_request(require_role(Role.AUDITOR))
