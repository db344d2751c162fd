"""Document downloads: only through access.documents_for, so out of scope looks missing."""

from flask_login import current_user

from portal.blueprints.files.blueprint import bp
from portal.core import files as documents
from portal.core.access import get_or_404_for
from portal.models import Document


@bp.get("/<int:doc_id>")
def download(doc_id: int):
    return documents.send(get_or_404_for(current_user, Document, doc_id))
