"""`/healthz` for the load balancer and monitoring: the database and the rate-limit storage."""

import sqlalchemy as sa
from flask import Blueprint

from portal.extensions import db, limiter
from portal.web import limiter_health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        database = "down"
    report = {"database": database, **limiter_health.status(limiter)}
    healthy = database == "ok" and report["rate_limit_storage"] == "ok"
    return report, 200 if healthy else 503
