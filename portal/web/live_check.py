"""Live field checks (htmx posts as the user types) answer only the fragment they were built for.

Without htmx there is no page around the answer: rendering the whole form template from a
check route lacked its context and answered 500, so such a request is refused as 400.
"""

from flask import abort

from portal.extensions import htmx


def require_fragment_request() -> None:
    """400 unless page_or_block would render a block (htmx, not boosted, not history)."""
    if not htmx or htmx.boosted or htmx.history_restore_request:
        abort(400)
