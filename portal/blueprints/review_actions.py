"""One inline review decision for every review queue (C-REV, AP-W1, AP-W4).

htmx gets the row back in place (plus a toast and, on success, the queue's event so the
counters refresh); a plain POST without JavaScript flashes the outcome and redirects.
"""

from collections.abc import Callable

from flask import Response, abort, flash, redirect, request
from flask_login import current_user

from portal.extensions import db
from portal.render import toast
from portal.services.errors import ServiceError
from portal.services.review import Decision


def decide(step_fn: Callable, obj, *, label: str, event: str,
           render_row: Callable[[str | None], Response], detail_url: str, list_url: str):
    """Apply the posted decision with `step_fn(actor, obj, decision, comment)`.

    `label` names the record in the success message ("已通过：{label}"); `render_row(error)`
    answers the record's row (re-read after commit or rollback) with an optional error line.
    On a refusal the transaction is rolled back and nothing else happens; on success the
    caller's transaction is committed here.
    """
    comment = request.form.get("comment", "")
    try:
        decision = Decision(request.form.get("decision", ""))
    except ValueError:
        abort(400)
    inline = bool(request.headers.get("HX-Request"))
    try:
        step_fn(current_user, obj, decision, comment)
    except ServiceError as err:
        db.session.rollback()
        if not inline:
            flash(err.message, "error")
            return redirect(detail_url)
        return toast(render_row(err.message), err.message, level="error")
    db.session.commit()
    message = f"已{decision.label}：{label}"
    if not inline:
        flash(message, "success")
        return redirect(request.referrer if _same_site(request.referrer) else list_url)
    return toast(render_row(None), message, event=event)


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)
