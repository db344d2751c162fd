"""Programme pages shared by the role blueprints: one logic, each role's step."""

from datetime import date

import sqlalchemy as sa
from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased, joinedload

from portal import rules
from portal.apprenticeship.programmes import services as programmes
from portal.apprenticeship.quality import services as rates
from portal.catalogue import lookups as catalogues
from portal.core import audit
from portal.core.access import can, get_or_404_for, programmes_for
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import District, Document, Occupation, Organisation, Programme, ReviewState
from portal.web import review as review_actions
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, Route

REVIEW_STEPS = {"district": programmes.district_review, "center": programmes.center_review}
DEFAULT_STATUS = {"district": ReviewState.SUBMITTED, "center": ReviewState.DISTRICT_APPROVED}
QUEUE_TEMPLATE = "programme/list.html"


def _eager(q: sa.Select) -> sa.Select:
    return q.options(
        joinedload(Programme.enterprise), joinedload(Programme.institution),
        joinedload(Programme.occupation), joinedload(Programme.district),
    )


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def queue_filters(prefix: str) -> dict:
    """Whitelisted query-string filters of a programme list."""
    default = DEFAULT_STATUS.get(prefix)
    status = request.args.get("status", default.value if default else "all")
    if status not in {s.value for s in ReviewState} | {"all"}:
        status = default.value if default else "all"
    return {
        "status": status,
        "occupation_id": request.args.get("occupation_id", type=int),
        "district": request.args.get("district", "")[:6],
        "start_from": _date_arg("start_from"),
        "start_to": _date_arg("start_to"),
        "q": request.args.get("q", "").strip()[:60],
    }


def filtered(prefix: str, filters: dict) -> sa.Select:
    enterprise = aliased(Organisation)
    q = programmes_for(current_user).join(enterprise, enterprise.id == Programme.enterprise_id)
    if filters["status"] != "all":
        q = q.where(Programme.state == filters["status"])
    if filters["occupation_id"]:
        q = q.where(Programme.occupation_id == filters["occupation_id"])
    if filters["district"] and prefix == "center":
        q = q.where(Programme.district_code == filters["district"])
    if filters["start_from"]:
        q = q.where(Programme.start_date >= filters["start_from"])
    if filters["start_to"]:
        q = q.where(Programme.start_date <= filters["start_to"])
    if filters["q"]:
        needle = f"%{filters['q']}%"
        q = q.where(sa.or_(enterprise.name.ilike(needle), enterprise.credit_code.ilike(needle)))
    # AP-N3: four-centres enterprises first, never excluding others.
    return q.order_by(enterprise.four_centres.desc(), Programme.submitted_at, Programme.id)


def status_counts() -> dict:
    q = programmes_for(current_user).with_only_columns(Programme.state, sa.func.count())
    return dict(db.session.execute(q.group_by(Programme.state)).all())


def list_page(prefix: str):
    filters = queue_filters(prefix)
    page = db.paginate(_eager(filtered(prefix, filters)),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return page_or_block(
        QUEUE_TEMPLATE, "results", page=page, prefix=prefix, filters=filters,
        counts=status_counts(), states=list(ReviewState),
        occupations=db.session.scalars(sa.select(Occupation).order_by(Occupation.code)).all(),
        districts=_districts() if prefix == "center" else [],
        urgent=_urgent_flags(page.items),
    )


def counts(prefix: str):
    if not request.headers.get("HX-Request"):
        return list_page(prefix)
    return page_or_block(QUEUE_TEMPLATE, "counts", prefix=prefix, counts=status_counts(),
                         states=list(ReviewState), filters=queue_filters(prefix))


def _districts():
    return db.session.scalars(sa.select(District).order_by(District.sort_order)).all()


def _urgent_flags(items) -> dict[int, set]:
    """Catalogue flags of each listed programme's occupation on its start date (AP-P5)."""
    by_day: dict[date, list[Programme]] = {}
    for p in items:
        by_day.setdefault(p.start_date, []).append(p)
    flags: dict[int, set] = {}
    for day, group in by_day.items():
        found = catalogues.memberships({p.occupation_id for p in group}, day)
        for p in group:
            flags[p.id] = found[p.occupation_id]
    return flags


def load(programme_id: int, action: str = "view") -> Programme:
    return get_or_404_for(current_user, Programme, programme_id, action)


def detail_context(programme: Programme) -> dict:
    eager = db.session.scalar(_eager(sa.select(Programme)).where(Programme.id == programme.id))
    docs = {
        d.id: d for d in db.session.scalars(sa.select(Document).where(Document.id.in_([
            i for i in (programme.agreement_document_id, programme.entrustment_document_id) if i
        ])))
    }
    check = programmes.check_plan(programmes.plan_data_of(programme), eager.enterprise,
                                  for_submission=True)
    return {
        "programme": eager,
        "docs": docs,
        "check": check,
        "shares": rules.course_ratio_shares(programme.general_hours, programme.theory_hours,
                                            programme.practice_hours),
        "credits": rules.credits_for_hours(programme.centralised_hours + programme.on_job_hours),
        "required_credits": rules.required_credits(programme.level)
        if programme.level in rules.TRAINABLE_LEVELS else None,
        "flags": catalogues.flags_for(programme.occupation_id, programme.start_date),
        "end_date": programmes.period_end(programme.start_date, programme.duration_months),
        "timeline": audit.timeline(programmes.OBJECT_TYPE, programme.id),
        "entrusted": db.session.get(Organisation, programme.entrusted_enterprise_id)
        if programme.entrusted_enterprise_id else None,
        "rates": rates.programme_rates([programme.id])[programme.id]
        if programme.state == ReviewState.APPROVED else None,
    }


def detail(prefix: str, programme_id: int, error: str | None = None):
    programme = load(programme_id)
    return page_or_block("programme/detail.html", "content", prefix=prefix, error=error,
                         **detail_context(programme))


def decide(prefix: str, programme_id: int):
    """Inline review: htmx gets the row back in place (plus a toast); plain POST redirects."""
    programme = load(programme_id)
    return review_actions.decide(
        REVIEW_STEPS[prefix], programme, label=_enterprise_name(programme),
        event="programmeReviewed",
        render_row=lambda row_error: _row(prefix, programme_id, row_error),
        detail_url=url_for(f"{prefix}.programme", programme_id=programme_id),
        list_url=url_for(f"{prefix}.programmes"),
    )


def _row(prefix: str, programme_id: int, row_error: str | None = None):
    programme = db.session.scalar(_eager(sa.select(Programme)).where(Programme.id == programme_id))
    return page_or_block(QUEUE_TEMPLATE, "row", p=programme, prefix=prefix,
                         row_error=row_error, urgent=_urgent_flags([programme]))


def _enterprise_name(programme: Programme) -> str:
    return db.session.scalar(sa.select(Organisation.name)
                             .where(Organisation.id == programme.enterprise_id)) or ""


def act(prefix: str, programme_id: int, action, done: str):
    """Run a one-click service action (submit, confirm) and come back to the detail page."""
    programme = load(programme_id)
    try:
        action(current_user, programme)
    except (ServiceError, rules.RuleViolation) as err:
        db.session.rollback()
        flash(getattr(err, "message", None) or str(err), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(f"{prefix}.programme", programme_id=programme_id))


def can_edit(programme: Programme) -> bool:
    return can(current_user, "edit", programme)


def form_data(programme: Programme) -> dict:
    """A stored programme as ProgrammeForm data."""
    data = {name: getattr(programme, name) for name in programmes.PLAN_FIELDS}
    data["delivery_modes"] = [m for m in programme.delivery_modes.split(",") if m]
    return data


def plan_summary(form) -> dict:
    """AP-C1 shares and warning, AP-C4 credits against the level's requirement."""
    hours = [form[name].data if isinstance(form[name].data, int) and form[name].data >= 0 else 0
             for name in ("general_hours", "theory_hours", "practice_hours",
                          "centralised_hours", "on_job_hours")]
    level = form.level.data if form.level.data in rules.TRAINABLE_LEVELS else None
    credits = rules.credits_for_hours(hours[3] + hours[4])
    required = rules.required_credits(level) if level else None
    return {
        "shares": rules.course_ratio_shares(*hours[:3]),
        "ratio_warnings": rules.course_ratio_warnings(*hours[:3]),
        "credits": credits,
        "required_credits": required,
        "credits_short": level is not None and not rules.training_complete(level, *hours[3:]),
    }


# The review queue of a step (district, then centre), bound to each reviewing blueprint.
REVIEW_ROUTES: tuple[Route, ...] = (
    ("/programmes", "programmes", list_page, GET),
    ("/programmes/counts", "programme_counts", counts, GET),
    ("/programmes/<int:programme_id>", "programme", detail, GET),
    ("/programmes/<int:programme_id>/review", "review_programme", decide, POST),
)
