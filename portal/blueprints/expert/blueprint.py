"""The `expert` blueprint object; views import it from here, so the package imports no cycle."""

from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

bp = Blueprint("expert", __name__, url_prefix="/expert")
bp.before_request(require_role(Role.EXPERT))
