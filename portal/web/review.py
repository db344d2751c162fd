"""One inline review decision for every review queue (C-REV, AP-W1, AP-W4, AP-P2).

htmx gets the row back in place (plus a toast and, on success, the queue's event so the
counters refresh); a plain POST without JavaScript flashes the outcome and redirects.
"""

from collections.abc import Callable, Mapping
from enum import StrEnum

from flask import Response, abort, flash, redirect, request
from flask_login import current_user

from portal.core.workflow import Decision
from portal.extensions import htmx
from portal.web.commit import commit_or_refuse
from portal.web.render import toast

# The decisions a queue accepts, each with the verb of its buttons and messages. Queues that
# speak of 批准 rather than 通过 (changes of status, leave) pass their own.
REVIEW_DECISIONS: Mapping[StrEnum, str] = {d: d.label for d in Decision}


def decide(step_fn: Callable, obj, *, label: str, event: str,
           render_row: Callable[[str | None], Response], detail_url: str, list_url: str,
           decisions: Mapping[StrEnum, str] = REVIEW_DECISIONS):
    """Apply the posted decision with `step_fn(actor, obj, decision, comment)`.

    `decisions` are the accepted decisions (anything else is a 400) with their verbs;
    `label` names the record in the success message ("已通过：{label}"); `render_row(error)`
    answers the record's row (re-read after commit or rollback) with an optional error line.
    On a refusal the transaction is rolled back and nothing else happens; on success the
    caller's transaction is committed here.
    """
    comment = request.form.get("comment", "")
    posted = request.form.get("decision", "")
    decision = next((d for d in decisions if d.value == posted), None)
    if decision is None:
        abort(400)
    inline = bool(htmx)
    # C-REV: the fields a return points at (detail pages only; record kinds that keep
    # return snapshots take them, core.revisions).
    pointed = {"pointed": request.form.getlist("pointed")} if request.form.get("pointed") else {}
    outcome = commit_or_refuse(lambda: step_fn(current_user, obj, decision, comment, **pointed),
                               flash_error=not inline)
    if not outcome:
        if not inline:
            return redirect(detail_url)
        return toast(render_row(outcome.error), outcome.error, level="error")
    message = f"已{decisions[decision]}：{label}"
    if not inline:
        flash(message, "success")
        return redirect(request.referrer if _same_site(request.referrer) else list_url)
    return toast(render_row(None), message, event=event)


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)
