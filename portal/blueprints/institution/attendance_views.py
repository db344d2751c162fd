"""Class sessions of the institution role: open, show the rotating QR code, live list, close.

The logic is shared with the other training party in blueprints/attendance_pages.py.
"""

from portal.blueprints import attendance_pages as pages
from portal.blueprints.institution import bp

PREFIX = "institution"


@bp.get("/sessions", endpoint="sessions")
def sessions_list():
    return pages.list_page(PREFIX)


@bp.route("/sessions/new", methods=["GET", "POST"])
def new_session():
    return pages.new_page(PREFIX)


@bp.get("/sessions/<int:session_id>")
def class_session(session_id: int):
    return pages.session_page(PREFIX, session_id)


@bp.get("/sessions/<int:session_id>/qr")
def session_qr(session_id: int):
    return pages.qr_block(PREFIX, session_id)


@bp.get("/sessions/<int:session_id>/attendees")
def session_attendees(session_id: int):
    return pages.attendees_block(PREFIX, session_id)


@bp.post("/sessions/<int:session_id>/close")
def close_session(session_id: int):
    return pages.close(PREFIX, session_id)


@bp.post("/sessions/<int:session_id>/evidence")
def add_evidence(session_id: int):
    return pages.add_evidence(PREFIX, session_id)
