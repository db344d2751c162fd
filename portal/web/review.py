"""One inline review decision for every review queue (C-REV, AP-W1, AP-W4, AP-P2).

htmx gets the row back in place (plus a toast and, on success, the queue's event so the
counters refresh); a plain POST without JavaScript flashes the outcome and redirects.
"""

import inspect
from collections.abc import Callable, Mapping
from enum import StrEnum

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request
from flask_login import current_user

from portal.core.workflow import Decision, decide_each
from portal.extensions import db, htmx
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int_or_none
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
    pointed = ({"pointed": request.form.getlist("pointed")}
               if request.form.get("pointed") and _takes_pointed(step_fn) else {})
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


def _takes_pointed(step_fn: Callable) -> bool:
    return "pointed" in inspect.signature(step_fn).parameters


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


# --- Bulk approval: select on the page, or every record matching the filter (C-REV) -------

BULK_MAX = 500  # one request approves at most this many
OUT_OF_SCOPE = "不在您的审核范围内，未予办理"


def posted_ids() -> list[int]:
    """The ticked rows' ids (forged or out-of-range values dropped), at most BULK_MAX."""
    return sorted({db_int_or_none(i) for i in request.form.getlist("ids")} - {None})[:BULK_MAX]


def bulk_approve(step_fn: Callable, model, scope: sa.Select, matching: sa.Select, *, noun: str,
                 unit: str, event: str, list_url: str,
                 render_results: Callable[[dict[int, str]], Response], approved_note: str = ""):
    """Approve the ticked rows, or (`all_matching`) every `model` row of `matching` (the
    list's filtered select), with `step_fn(actor, record, Decision.APPROVE)`; per-row
    results, one commit.

    Records are read within `scope` (the user's records): an id outside it (forged, of
    another district) is reported as not approved. Return and reject stay one by one.
    """
    if request.form.get("all_matching") == "1":
        # The first BULK_MAX in the list's own order (priority, then the longest waiting).
        ids = sorted(db.session.scalars(matching.with_only_columns(model.id)
                                        .limit(BULK_MAX)))
    else:
        ids = posted_ids()
    if not ids:
        return _bulk_done(f"请先勾选要通过的{noun}", "error", {}, event, list_url, render_results)
    records = list(db.session.scalars(scope.where(model.id.in_(ids)).order_by(model.id)))
    result = decide_each(lambda record: step_fn(current_user, record, Decision.APPROVE), records)
    # C-DIST: an id outside the user's scope (another district's, forged) is reported like a
    # refused row, and nothing of it is read or written.
    for missing in sorted(set(ids) - {record.id for record in records}):
        result.refused[missing] = OUT_OF_SCOPE
    db.session.commit()
    message = f"已通过 {len(result.approved)} {unit}{approved_note}"
    if result.refused:
        message += f"；{len(result.refused)} {unit}未通过，原因见对应行"
    return _bulk_done(message, "success" if result.approved else "error", result.refused,
                      event, list_url, render_results)


def _bulk_done(message, level, refused, event, list_url, render_results):
    if not htmx:
        flash(message, level)
        for record_id, why in refused.items():
            flash(f"#{record_id}：{why}", "error")
        return redirect(list_url)
    return toast(render_results(refused), message,
                 event=event if level == "success" else None, level=level)
