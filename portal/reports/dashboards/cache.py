"""The figure set of a scope kept in `ReportCache` for a few minutes, so a dashboard view
reads one row instead of grouping every table (issue 14 item 7: fast at city scale).

Figures may be up to `MAX_AGE` old; the page says when they were computed ("数据更新于")
and the centre may recompute them at once ("刷新"). Two requests recomputing the same key
together both succeed: the second write is dropped (a savepoint), not an error.
"""

import json
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from portal.clock import now_utc, today
from portal.extensions import db
from portal.models import ReportCache
from portal.reports.dashboards.figures import figure_set

MAX_AGE = timedelta(minutes=5)


def scope_key(district: str) -> str:
    return f"district:{district}" if district else "city"


def _store(key: str, payload: dict, at) -> None:
    text = json.dumps(payload, ensure_ascii=False, default=str)
    row = db.session.get(ReportCache, key)
    if row is not None:
        row.payload, row.computed_at = text, at
        db.session.flush()
        return
    try:
        with db.session.begin_nested():
            db.session.add(ReportCache(key=key, payload=text, computed_at=at))
    except IntegrityError:
        pass  # another request stored the same scope a moment ago


def figures_for(user, district: str, *, refresh: bool = False) -> tuple[dict, object]:
    """(figures, computed_at) of the scope: the cached set while fresh, else recomputed and
    stored (flushed; the view commits). `refresh` recomputes whatever the age."""
    key = scope_key(district)
    now = now_utc()
    row = None if refresh else db.session.get(ReportCache, key)
    if row is not None and now - row.computed_at < MAX_AGE:
        return json.loads(row.payload), row.computed_at
    payload = figure_set(user, district, today())
    _store(key, payload, now)
    return json.loads(json.dumps(payload, default=str)), now
