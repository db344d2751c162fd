"""Programme pages: each role's list and detail, the review steps (district, then centre),
the training partner's confirmation and the enterprise's application (AP-W1, AP-W4)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased, contains_eager, joinedload

from portal import rules
from portal.apprenticeship.programmes import services as programmes
from portal.apprenticeship.programmes.access import programmes_for
from portal.apprenticeship.programmes.forms import ProgrammeForm
from portal.apprenticeship.quality import services as rates
from portal.catalogue import lookups as catalogues
from portal.core import audit, revisions
from portal.core.access import can, get_or_404_for
from portal.extensions import db, htmx
from portal.models import Document, Occupation, Organisation, Programme, ReviewState
from portal.web import review as review_actions
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int
from portal.web.districts import all_districts
from portal.web.live_check import require_fragment_request
from portal.web.pagination import kept_query, paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, RoleView, Route, RouteTable, current_view

QUEUE_TEMPLATE = "programme/list.html"
FORM_TEMPLATE = "programme/form.html"


@dataclass(frozen=True)
class ProgrammeView(RoleView):
    """A role's programme pages: its list's title, its review step, the links it offers."""

    title: str = "培训项目"
    default_status: ReviewState | None = None  # a review queue opens on the step's work
    review: Callable | None = None  # the step's service (district, then centre)
    review_action: str = ""  # the step's permission in can()
    city_wide: bool = False  # the centre filters and lists by district
    applies: bool = False  # the enterprise applies and registers apprentices
    trains: bool = False  # the training partners: mentors, credits, class sessions

    @property
    def reviews(self) -> bool:
        return self.review is not None


VIEWS = {
    "district": ProgrammeView(blueprint="district", title="培训项目审核",
                              default_status=ReviewState.SUBMITTED,
                              review=programmes.district_review,
                              review_action="district_review"),
    "center": ProgrammeView(blueprint="center", title="培训项目复核（全市）",
                            default_status=ReviewState.DISTRICT_APPROVED,
                            review=programmes.center_review, review_action="center_review",
                            city_wide=True),
    "enterprise": ProgrammeView(blueprint="enterprise", applies=True, trains=True),
    "institution": ProgrammeView(blueprint="institution", title="合作培训项目", trains=True),
}


# A programme with its parties, occupation and district, as lists and the detail show it.
WITH_PARTIES = (joinedload(Programme.enterprise), joinedload(Programme.institution),
                joinedload(Programme.occupation), joinedload(Programme.district),
                joinedload(Programme.entrusted_enterprise))


def _eager(q: sa.Select) -> sa.Select:
    return q.options(*WITH_PARTIES)


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def queue_filters(view: ProgrammeView) -> dict:
    """Whitelisted query-string filters of a programme list."""
    default = view.default_status
    status = request.args.get("status", default.value if default else "all")
    if status not in {s.value for s in ReviewState} | {"all"}:
        status = default.value if default else "all"
    return {
        "status": status,
        "occupation_id": request.args.get("occupation_id", type=db_int),
        "district": request.args.get("district", "")[:6],
        "start_from": _date_arg("start_from"),
        "start_to": _date_arg("start_to"),
        "q": request.args.get("q", "").strip()[:60],
        # AP-N4 委托培训备案: the district's list of the entrustments filed with it.
        "entrusted": "yes" if request.args.get("entrusted") == "yes" else "",
        # AP-W1: the institution's worklist of plans awaiting its consent.
        "consent": "pending" if request.args.get("consent") == "pending" else "",
    }


# Built once: a fresh alias per request costs SQLAlchemy an adaptation and a cache miss.
_ENTERPRISE = aliased(Organisation, name="queue_enterprise")


def filtered(view: ProgrammeView, filters: dict) -> sa.Select:
    enterprise = _ENTERPRISE
    q = programmes_for(current_user).join(enterprise, enterprise.id == Programme.enterprise_id)
    if filters["status"] != "all":
        q = q.where(Programme.state == filters["status"])
    if filters["occupation_id"]:
        q = q.where(Programme.occupation_id == filters["occupation_id"])
    if filters["district"] and view.city_wide:
        q = q.where(Programme.district_code == filters["district"])
    if filters["entrusted"]:
        q = q.where(Programme.entrusted_enterprise_id.is_not(None))
    if filters.get("consent"):
        q = q.where(programmes.awaiting_consent())
    if filters["start_from"]:
        q = q.where(Programme.start_date >= filters["start_from"])
    if filters["start_to"]:
        q = q.where(Programme.start_date <= filters["start_to"])
    if filters["q"]:
        needle = f"%{filters['q']}%"
        q = q.where(sa.or_(enterprise.name.ilike(needle), enterprise.credit_code.ilike(needle)))
    # AP-N3: four-centres enterprises first, never excluding others.
    return q.order_by(enterprise.four_centres.desc(), Programme.submitted_at, Programme.id)


def occupations_in_scope() -> list[Occupation]:
    """The filter's choices: occupations of the programmes the user sees, not the catalogue."""
    used = programmes_for(current_user).with_only_columns(Programme.occupation_id)
    return list(db.session.scalars(
        sa.select(Occupation).where(Occupation.id.in_(used)).order_by(Occupation.code)))


def status_counts(view: ProgrammeView, filters: dict) -> dict:
    """Per state, the programmes matching every filter but the state: the counters and the
    list agree."""
    q = (filtered(view, {**filters, "status": "all"})
         .with_only_columns(Programme.state, sa.func.count()).order_by(None))
    return dict(db.session.execute(q.group_by(Programme.state)).all())


def list_page(row_errors: dict[int, str] | None = None):
    view = current_view(VIEWS)
    filters = queue_filters(view)
    # The enterprise comes through the filter's own join: one join of organisation fewer.
    eager = [contains_eager(Programme.enterprise.of_type(_ENTERPRISE)),
             joinedload(Programme.institution), joinedload(Programme.occupation),
             joinedload(Programme.entrusted_enterprise)]
    if view.city_wide:  # only the centre's list shows the district
        eager.append(joinedload(Programme.district))
    page = paginate(filtered(view, filters).options(*eager))
    return page_or_block(
        QUEUE_TEMPLATE, "results", page=page, view=view, filters=filters,
        counts=status_counts(view, filters), states=list(ReviewState),
        occupations=occupations_in_scope(),
        districts=all_districts() if view.city_wide else [],
        urgent=_urgent_flags(page.items), guidance=_guidance(page.items),
        revised=_revised(view, page.items), row_errors=row_errors or {},
    )


def bulk_approve():
    """C-REV: approve the ticked plans, or all those waiting for this step that match the
    filter (each through the step's own review, so a refused one is named on its row)."""
    view = current_view(VIEWS)
    waiting = {**queue_filters(view), "status": view.default_status.value}
    return review_actions.bulk_approve(
        view.review, Programme, programmes_for(current_user), filtered(view, waiting),
        noun="培训项目", unit="个", event="programmeReviewed",
        list_url=view.url("programmes", **kept_query()),
        render_results=lambda refused: list_page(row_errors=refused))


def _revised(view: ProgrammeView, items) -> dict:
    """C-REV: what changed since the return, on the district's rows of resubmitted plans."""
    if not view.reviews or view.review_action != "district_review":
        return {}
    return revisions.since_return(programmes.OBJECT_TYPE, items)


def counts():
    if not htmx:
        return list_page()
    view = current_view(VIEWS)
    filters = queue_filters(view)
    return page_or_block(QUEUE_TEMPLATE, "counts", view=view,
                         counts=status_counts(view, filters), states=list(ReviewState),
                         filters=filters)



def _guidance(items) -> dict[int, list[str]]:
    """AP-C1, AP-C3 guidance each listed plan departs from, for the reviewer (no queries)."""
    return {p.id: programmes.plan_warnings(programmes.plan_data_of(p)) for p in items}


def _urgent_flags(items) -> dict[int, set]:
    """Catalogue flags of each listed programme's occupation on its start date (AP-P5)."""
    found = catalogues.memberships_on((p.occupation_id, p.start_date) for p in items)
    return {p.id: found[(p.occupation_id, p.start_date)] for p in items}


def load(programme_id: int, action: str = "view") -> Programme:
    return get_or_404_for(current_user, Programme, programme_id, action)


def detail_context(programme: Programme, view: ProgrammeView | None = None) -> dict:
    """Everything the detail page shows, each piece computed once."""
    timeline = audit.timeline(programmes.OBJECT_TYPE, programme.id)
    reviewing = bool(view and view.reviews and can(current_user, view.review_action, programme))
    flags = catalogues.flags_for(programme.occupation_id, programme.start_date)
    doc_ids = [i for i in (programme.agreement_document_id, programme.entrustment_document_id)
               if i]
    docs = {d.id: d for d in db.session.scalars(
        sa.select(Document).where(Document.id.in_(doc_ids)))} if doc_ids else {}
    check = programmes.check_plan(programmes.plan_data_of(programme), programme.enterprise,
                                  for_submission=True, flags=flags)
    return {
        "programme": programme,
        "docs": docs,
        "check": check,
        "shares": rules.course_ratio_shares(programme.general_hours, programme.theory_hours,
                                            programme.practice_hours),
        "credits": rules.credits_for_hours(programme.centralised_hours + programme.on_job_hours),
        "required_credits": rules.required_credits(programme.level)
        if programme.level in rules.TRAINABLE_LEVELS else None,
        "flags": flags,
        "end_date": programmes.period_end(programme.start_date, programme.duration_months),
        "timeline": timeline,
        **revisions.page_context(programmes.OBJECT_TYPE, programme, timeline, reviewing),
        "entrusted": db.session.get(Organisation, programme.entrusted_enterprise_id)
        if programme.entrusted_enterprise_id else None,
        "rates": rates.programme_rates([programme.id])[programme.id]
        if programme.state == ReviewState.APPROVED else None,
    }


def detail(programme_id: int):
    programme = get_or_404_for(current_user, Programme, programme_id, options=WITH_PARTIES)
    view = current_view(VIEWS)
    return page_or_block("programme/detail.html", "content", view=view,
                         **detail_context(programme, view))


def decide(programme_id: int):
    """Inline review: htmx gets the row back in place (plus a toast); plain POST redirects."""
    view = current_view(VIEWS)
    programme = load(programme_id)
    return review_actions.decide(
        view.review, programme, label=_enterprise_name(programme),
        event="programmeReviewed",
        render_row=lambda row_error: _row(view, programme_id, row_error),
        detail_url=view.url("programme", programme_id=programme_id),
        list_url=view.url("programmes"),
    )


def _row(view: ProgrammeView, programme_id: int, row_error: str | None = None):
    programme = db.session.scalar(_eager(sa.select(Programme)).where(Programme.id == programme_id))
    return page_or_block(QUEUE_TEMPLATE, "row", p=programme, view=view,
                         row_error=row_error, urgent=_urgent_flags([programme]),
                         guidance=_guidance([programme]), revised=_revised(view, [programme]))


def _enterprise_name(programme: Programme) -> str:
    return db.session.scalar(sa.select(Organisation.name)
                             .where(Organisation.id == programme.enterprise_id)) or ""


def _act(programme_id: int, action, done: str):
    """Run a one-click service action (submit, confirm) and come back to the detail page."""
    programme = load(programme_id)
    commit_or_refuse(lambda: action(current_user, programme), done=done)
    return redirect(current_view(VIEWS).url("programme", programme_id=programme_id))


def confirm(programme_id: int):
    """AP-W1: the training partner confirms its share of the plan."""
    return _act(programme_id, programmes.institution_confirm,
                "已确认本机构承担的培训内容，企业可提交审核。")


# ------------------------------------------------------------------------------ application
# The enterprise's own programme applications (AP-W1, AP-W4).


def _enterprise() -> Organisation:
    return get_or_404_for(current_user, Organisation, current_user.org_id)


def _save(form: ProgrammeForm, programme=None):
    """Create or update through the service; None when refused (errors are on the form)."""
    files = (request.files.get("agreement"), request.files.get("entrustment_agreement"))
    if programme is None:
        saved = commit_or_refuse(
            lambda: programmes.create(current_user, form.plan_data(), *files), form=form)
        return saved.value
    saved = commit_or_refuse(
        lambda: programmes.update(current_user, programme, form.plan_data(), *files), form=form)
    return programme if saved else None


def _form_page(form: ProgrammeForm, enterprise: Organisation, programme=None):
    return render_template(FORM_TEMPLATE, form=form, enterprise=enterprise, programme=programme,
                           may_entrust=programmes.may_entrust(enterprise))


def new_programme():
    enterprise = _enterprise()
    form = ProgrammeForm(enterprise)
    if form.validate_on_submit() and (programme := _save(form)):
        flash("项目已保存为草稿。请通知合作培训机构确认，再提交区人社局审核。", "success")
        return redirect(url_for("enterprise.programme", programme_id=programme.id))
    return _form_page(form, enterprise)


def edit_programme(programme_id: int):
    programme = get_or_404_for(current_user, Programme, programme_id)
    if not can(current_user, "edit", programme):
        flash("该项目已提交，不能修改（规则 AP-W4）", "error")
        return redirect(url_for("enterprise.programme", programme_id=programme_id))
    enterprise = _enterprise()
    # The stored plan goes in as data only: as `obj` WTForms would read delivery_modes' stored
    # string letter by letter and tick no box (AP-C2 then refused an unchanged save).
    data = None if request.method == "POST" else ProgrammeForm.data_of(programme)
    form = ProgrammeForm(enterprise, data=data)
    if form.validate_on_submit() and _save(form, programme):
        flash("修改已保存。内容变更后须由合作培训机构重新确认。", "success")
        return redirect(url_for("enterprise.programme", programme_id=programme_id))
    return _form_page(form, enterprise, programme)


def submit_programme(programme_id: int):
    return _act(programme_id, programmes.submit, "已提交所在区人社局审核。")


def check_plan():
    """Live AP-C1 (warning) and AP-C4 (credits) feedback while the plan is typed."""
    require_fragment_request()
    form = ProgrammeForm(_enterprise())
    return page_or_block(FORM_TEMPLATE, "plan_check", form=form, plan=form.plan_summary())


def duration_reason():
    """AP-C3: the reason field, shown while the length differs from the level's standard."""
    form = ProgrammeForm(_enterprise(), formdata=request.args)
    return page_or_block(FORM_TEMPLATE, "duration_reason", form=form)


def institution_options():
    """The institution choices for the chosen occupation and start date (AP-I2, AP-I4)."""
    form = ProgrammeForm(_enterprise(), formdata=request.args)
    return page_or_block(FORM_TEMPLATE, "institution_field", form=form)


_LIST: tuple[Route, ...] = (
    ("/programmes", "programmes", list_page, GET),
    ("/programmes/<int:programme_id>", "programme", detail, GET),
)
# The review queue of a step (district, then centre).
_REVIEW: tuple[Route, ...] = _LIST + (
    ("/programmes/counts", "programme_counts", counts, GET),
    ("/programmes/approve", "bulk_approve_programmes", bulk_approve, POST),
    ("/programmes/<int:programme_id>/review", "review_programme", decide, POST),
)
ROUTES: RouteTable = {
    "district": _REVIEW,
    "center": _REVIEW,
    "enterprise": _LIST + (
        ("/programmes/new", "new_programme", new_programme, GET_POST),
        ("/programmes/<int:programme_id>/edit", "edit_programme", edit_programme, GET_POST),
        ("/programmes/<int:programme_id>/submit", "submit_programme", submit_programme, POST),
        ("/programmes/check-plan", "check_programme_plan", check_plan, POST),
        ("/programmes/institution-options", "programme_institution_options",
         institution_options, GET),
        ("/programmes/duration-reason", "programme_duration_reason", duration_reason, GET),
    ),
    "institution": _LIST + (
        ("/programmes/<int:programme_id>/confirm", "confirm_programme", confirm, POST),
    ),
}
