"""htmx the simple way: one template, full page or one of its blocks."""

import json

from flask import make_response, render_template
from jinja2_fragments.flask import render_block

from portal.extensions import htmx


def page_or_block(template: str, block: str, *, status_code: int = 200, **ctx):
    """A full page for a normal request; only `block` of the same template for htmx."""
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        body = render_block(template, block, **ctx)
    else:
        body = render_template(template, **ctx)
    return make_response(body, status_code)


def toast(response, message: str, event: str | None = None, level: str = "success"):
    """Attach an HX-Trigger that shows `message` in the live region (and fires `event`)."""
    triggers = {"toast": {"message": message, "level": level}}
    if event:
        triggers[event] = True
    # ensure_ascii keeps the header latin-1 safe; the browser's JSON.parse restores Chinese.
    response.headers["HX-Trigger"] = json.dumps(triggers)
    return response
