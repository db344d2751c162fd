"""The `files` blueprint object; views import it from here, so the package imports no cycle."""

from flask import Blueprint

from portal.core.access import require_role
from portal.models import Role

# Uploaded documents, for every signed-in role; access.documents_for decides what is visible.
bp = Blueprint("files", __name__, url_prefix="/files")
bp.before_request(require_role(*Role))
