"""Organisation review pages shared by the district and centre blueprints (one logic, two steps)."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.access import get_or_404_for, organisations_for
from portal.extensions import db
from portal.forms.review import ReviewForm
from portal.models import Organisation, OrgKind, ReviewState
from portal.render import page_or_block
from portal.services import audit, organisations
from portal.services.errors import ServiceError
from portal.services.review import Decision

REVIEW_STEPS = {"district": organisations.district_review, "center": organisations.center_review}


def list_page(prefix: str, default_status: ReviewState):
    status = request.args.get("status", default_status.value)
    if status not in {s.value for s in ReviewState} | {"all"}:
        status = default_status.value
    kind = request.args.get("kind", "")
    q = organisations_for(current_user).options(joinedload(Organisation.district))
    if status != "all":
        q = q.where(Organisation.status == status)
    if kind in {k.value for k in OrgKind}:
        q = q.where(Organisation.kind == kind)
    # AP-N3: four-centres enterprises first, never excluding others.
    q = q.order_by(Organisation.four_centres.desc(), Organisation.submitted_at, Organisation.id)
    page = db.paginate(q, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return page_or_block(
        "review/organisations.html", "results", page=page, prefix=prefix,
        status=status, kind=kind, states=list(ReviewState), kinds=list(OrgKind),
    )


def detail(prefix: str, org_id: int, form: ReviewForm | None = None):
    org = get_or_404_for(current_user, Organisation, org_id)
    return page_or_block(
        "review/organisation.html", "content", org=org, prefix=prefix,
        form=form or ReviewForm(),
        timeline=audit.timeline(organisations.OBJECT_TYPE, org.id),
        occupations=_licensed(org),
    )


def decide(prefix: str, org_id: int):
    org = get_or_404_for(current_user, Organisation, org_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return detail(prefix, org_id, form)
    try:
        REVIEW_STEPS[prefix](current_user, org, Decision(form.decision.data), form.comment.data)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for(f"{prefix}.organisation", org_id=org_id))
    db.session.commit()
    flash(f"已{Decision(form.decision.data).label}：{org.name}", "success")
    return redirect(url_for(f"{prefix}.organisations"))


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
