"""Organisation review pages shared by the district and centre blueprints (one logic, two steps).

The list reviews inline with htmx, exactly like the programme queue (review_actions.decide).
"""

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.core import audit
from portal.core.access import get_or_404_for, organisations_for
from portal.extensions import db
from portal.models import Organisation, OrgKind, ReviewState
from portal.orgs import services as organisations
from portal.web import review as review_actions
from portal.web.render import page_or_block

REVIEW_STEPS = {"district": organisations.district_review, "center": organisations.center_review}
LIST_TEMPLATE = "review/organisations.html"


def _status_arg(default_status: ReviewState) -> str:
    status = request.args.get("status", default_status.value)
    return status if status in {s.value for s in ReviewState} | {"all"} else default_status.value


def status_counts() -> dict:
    q = organisations_for(current_user).with_only_columns(Organisation.state, sa.func.count())
    return dict(db.session.execute(q.group_by(Organisation.state)).all())


def list_page(prefix: str, default_status: ReviewState):
    status = _status_arg(default_status)
    kind = request.args.get("kind", "")
    q = organisations_for(current_user).options(joinedload(Organisation.district))
    if status != "all":
        q = q.where(Organisation.state == status)
    if kind in {k.value for k in OrgKind}:
        q = q.where(Organisation.kind == kind)
    # AP-N3: four-centres enterprises first, never excluding others.
    q = q.order_by(Organisation.four_centres.desc(), Organisation.submitted_at, Organisation.id)
    page = db.paginate(q, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return page_or_block(
        LIST_TEMPLATE, "results", page=page, prefix=prefix, counts=status_counts(),
        status=status, kind=kind, states=list(ReviewState), kinds=list(OrgKind),
    )


def counts(prefix: str, default_status: ReviewState):
    """The counters alone for htmx (refreshed on organisationReviewed); else the whole list."""
    if not request.headers.get("HX-Request"):
        return list_page(prefix, default_status)
    return page_or_block(LIST_TEMPLATE, "counts", prefix=prefix, counts=status_counts(),
                         states=list(ReviewState), status=_status_arg(default_status))


def detail(prefix: str, org_id: int):
    org = get_or_404_for(current_user, Organisation, org_id)
    return page_or_block(
        "review/organisation.html", "content", org=org, prefix=prefix,
        timeline=audit.timeline(organisations.OBJECT_TYPE, org.id),
        occupations=_licensed(org),
    )


def decide(prefix: str, org_id: int):
    """Inline review: htmx gets the row back in place (plus a toast); plain POST redirects."""
    org = get_or_404_for(current_user, Organisation, org_id)
    return review_actions.decide(
        REVIEW_STEPS[prefix], org, label=org.name, event="organisationReviewed",
        render_row=lambda row_error: _row(prefix, org_id, row_error),
        detail_url=url_for(f"{prefix}.organisation", org_id=org_id),
        list_url=url_for(f"{prefix}.organisations"),
    )


def _row(prefix: str, org_id: int, row_error: str | None = None):
    org = db.session.scalar(sa.select(Organisation).options(joinedload(Organisation.district))
                            .where(Organisation.id == org_id))
    return page_or_block(LIST_TEMPLATE, "row", org=org, prefix=prefix, row_error=row_error)


def _licensed(org: Organisation):
    from portal.models import Occupation, institution_occupation

    return list(
        db.session.scalars(
            sa.select(Occupation)
            .join(institution_occupation, institution_occupation.c.occupation_id == Occupation.id)
            .where(institution_occupation.c.org_id == org.id)
            .order_by(Occupation.code)
        )
    )
