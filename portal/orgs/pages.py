"""Organisation pages: the review queue of each step (district, then centre) and an
organisation's own page (enterprise, institution, and a high-skill host of neither kind,
which only the centre reviews: HS-H1).

The queue reviews inline with htmx, exactly like the programme queue (review_actions.decide).
An organisation's own pages always show the signed-in user's organisation
(`current_user.org_id`); no route there takes an organisation id from the URL or the form.
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import rules
from portal.core import audit, revisions
from portal.core.access import can, get_or_404_for
from portal.core.errors import NotAllowed
from portal.extensions import db, htmx
from portal.models import Occupation, Organisation, OrgKind, ReviewState, institution_occupation
from portal.orgs import host_worklist as _host_worklist  # noqa: F401  (registers the kind)
from portal.orgs import services as organisations
from portal.orgs.access import organisations_for
from portal.orgs.forms import EDIT_FORMS
from portal.web import review as review_actions
from portal.web.commit import commit_or_refuse
from portal.web.districts import all_districts
from portal.web.pagination import kept_query, paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, RoleView, Route, RouteTable, current_view
from portal.worklist import worklist_for

LIST_TEMPLATE = "review/organisations.html"


@dataclass(frozen=True)
class OrgReviewView(RoleView):
    """One review step of organisations (C-REV): its queue's title, service and permission."""

    title: str = ""
    review: Callable | None = None
    review_action: str = ""  # the step's permission in can()
    default_status: ReviewState = ReviewState.SUBMITTED  # the queue opens on the step's work
    city_wide: bool = False  # the centre's list: a district filter


REVIEW_VIEWS = {
    "district": OrgReviewView(blueprint="district", title="单位审核",
                              review=organisations.district_review,
                              review_action="district_review",
                              default_status=ReviewState.SUBMITTED),
    "center": OrgReviewView(blueprint="center", title="单位复核",
                            review=organisations.center_review, review_action="center_review",
                            default_status=ReviewState.DISTRICT_APPROVED, city_wide=True),
}
OWN_VIEWS = {name: RoleView(blueprint=name) for name in ("enterprise", "institution", "host")}


# ------------------------------------------------------------------------------ review queue


def _status_arg(view: OrgReviewView) -> str:
    status = request.args.get("status", view.default_status.value)
    return status if status in {s.value for s in ReviewState} | {"all"} else view.default_status.value


def _filters(view: OrgReviewView) -> dict:
    """Whitelisted filters: the state, the kind and (for the centre) the district."""
    kind = request.args.get("kind", "")
    district = request.args.get("district", "")
    return {"status": _status_arg(view), "q": request.args.get("q", "").strip()[:60],
            "kind": kind if kind in {k.value for k in OrgKind} else "",
            "district": district[:6] if view.city_wide else ""}


def _filtered(filters: dict) -> sa.Select:
    q = organisations_for(current_user)
    if filters["status"] != "all":
        q = q.where(Organisation.state == filters["status"])
    if filters["kind"]:
        q = q.where(Organisation.kind == filters["kind"])
    if filters["district"]:
        q = q.where(Organisation.district_code == filters["district"])
    if filters["q"]:
        q = q.where(sa.or_(Organisation.name.contains(filters["q"], autoescape=True),
                           Organisation.credit_code == rules.normalise_identifier(filters["q"])))
    return q


def status_counts(filters: dict) -> dict:
    """Per state, the organisations matching every filter but the state (counters and list agree)."""
    q = _filtered({**filters, "status": "all"}).with_only_columns(Organisation.state,
                                                                  sa.func.count())
    return dict(db.session.execute(q.group_by(Organisation.state)).all())


def list_page(row_errors: dict[int, str] | None = None):
    view = current_view(REVIEW_VIEWS)
    filters = _filters(view)
    q = _filtered(filters).options(joinedload(Organisation.district))
    # AP-N3: four-centres enterprises first, never excluding others.
    q = q.order_by(Organisation.four_centres.desc(), Organisation.submitted_at, Organisation.id)
    page = paginate(q)
    return page_or_block(
        LIST_TEMPLATE, "results", page=page, view=view, counts=status_counts(filters),
        status=filters["status"], kind=filters["kind"], district=filters["district"],
        q=filters["q"], states=list(ReviewState), kinds=list(OrgKind),
        districts=all_districts() if view.city_wide else [],
        revised=_revised(view, page.items), row_errors=row_errors or {},
    )


def bulk_approve():
    """C-REV: approve the ticked organisations, or all those waiting that match the filter."""
    view = current_view(REVIEW_VIEWS)
    waiting = {**_filters(view), "status": view.default_status.value}
    return review_actions.bulk_approve(
        view.review, Organisation, organisations_for(current_user), _filtered(waiting),
        noun="单位", unit="家", event="organisationReviewed",
        list_url=view.url("organisations", **kept_query()),
        render_results=lambda refused: list_page(row_errors=refused))


def _revised(view: OrgReviewView, items) -> dict:
    """C-REV: what changed since the return, on the district's rows of resubmitted records."""
    if view.review_action != "district_review":
        return {}
    return revisions.since_return(organisations.OBJECT_TYPE, items)


def counts():
    """The counters alone for htmx (refreshed on organisationReviewed); else the whole list."""
    if not htmx:
        return list_page()
    view = current_view(REVIEW_VIEWS)
    filters = _filters(view)
    return page_or_block(LIST_TEMPLATE, "counts", view=view, counts=status_counts(filters),
                         states=list(ReviewState), status=filters["status"],
                         kind=filters["kind"], district=filters["district"], q=filters["q"])


def detail(org_id: int):
    view = current_view(REVIEW_VIEWS)
    org = get_or_404_for(current_user, Organisation, org_id)
    timeline = audit.timeline(organisations.OBJECT_TYPE, org.id)
    return page_or_block(
        "review/organisation.html", "content", org=org, view=view, timeline=timeline,
        occupations=_licensed(org), host_type_label=organisations.shown("host_type", org.host_type),
        state_label=organisations.state_label(org),
        **revisions.page_context(organisations.OBJECT_TYPE, org, timeline,
                                 can(current_user, view.review_action, org)),
    )


def decide(org_id: int):
    """Inline review: htmx gets the row back in place (plus a toast); plain POST redirects."""
    view = current_view(REVIEW_VIEWS)
    org = get_or_404_for(current_user, Organisation, org_id)
    return review_actions.decide(
        view.review, org, label=org.name, event="organisationReviewed",
        render_row=lambda row_error: _row(view, org_id, row_error),
        detail_url=view.url("organisation", org_id=org_id),
        list_url=view.url("organisations"),
    )


def _row(view: OrgReviewView, org_id: int, row_error: str | None = None):
    org = db.session.scalar(sa.select(Organisation).options(joinedload(Organisation.district))
                            .where(Organisation.id == org_id))
    return page_or_block(LIST_TEMPLATE, "row", org=org, view=view, row_error=row_error)


def _licensed(org: Organisation):
    return list(
        db.session.scalars(
            sa.select(Occupation)
            .join(institution_occupation, institution_occupation.c.occupation_id == Occupation.id)
            .where(institution_occupation.c.org_id == org.id)
            .order_by(Occupation.code)
        )
    )


# ------------------------------------------------------------------------------ own organisation


def _own_org() -> Organisation:
    return get_or_404_for(current_user, Organisation, current_user.org_id)


def home():
    view = current_view(OWN_VIEWS)
    org = _own_org()
    timeline = audit.timeline(organisations.OBJECT_TYPE, org.id)
    return render_template(
        "org/home.html", org=org, view=view, timeline=timeline, work=worklist_for(current_user),
        reviewer=organisations.reviewer_name(org), state_label=organisations.state_label(org),
        host_type_label=organisations.shown("host_type", org.host_type),
        **revisions.page_context(organisations.OBJECT_TYPE, org, timeline, reviewing=False),
    )


def edit():
    """AP-W4: the owner edits while draft or returned, then resubmits from the home page."""
    view = current_view(OWN_VIEWS)
    org = _own_org()
    if not can(current_user, "edit", org):
        flash(organisations.edit_refusal(org), "error")
        return redirect(view.url("home"))
    form = EDIT_FORMS[org.kind](org=org, occupation_ids=organisations.licensed_occupation_ids(org))
    if form.validate_on_submit():
        saved = commit_or_refuse(
            lambda: organisations.update(current_user, org, form.org_fields(),
                                         form.occupations(), form.licence_file.data),
            flash_error=False)
        if saved:
            flash("单位信息已保存。核对无误后请提交所在区审核。", "success")
            return redirect(view.url("home"))
        if isinstance(saved.refusal, NotAllowed):  # submitted meanwhile (another tab, a colleague)
            flash(saved.error, "error")
            return redirect(view.url("home"))
        form.form_errors.append(saved.error)
    return render_template("org/edit.html", form=form, org=org, view=view)


def submit():
    view = current_view(OWN_VIEWS)
    org = _own_org()
    commit_or_refuse(lambda: organisations.submit(current_user, org),
                     done=organisations.submitted_note(org))
    return redirect(view.url("home"))


REVIEW_ROUTES: tuple[Route, ...] = (
    ("/organisations", "organisations", list_page, GET),
    ("/organisations/counts", "organisation_counts", counts, GET),
    ("/organisations/approve", "bulk_approve_organisations", bulk_approve, POST),
    ("/organisations/<int:org_id>", "organisation", detail, GET),
    ("/organisations/<int:org_id>/review", "review_organisation", decide, POST),
)
OWN_ROUTES: tuple[Route, ...] = (
    ("/organisation/edit", "edit_organisation", edit, GET_POST),
    ("/organisation/submit", "submit_organisation", submit, POST),
)
ROUTES: RouteTable = {
    "district": REVIEW_ROUTES, "center": REVIEW_ROUTES,
    "enterprise": OWN_ROUTES, "institution": OWN_ROUTES, "host": OWN_ROUTES,
}
