"""Changes of status (学籍异动, AP-P2) and training-quality rates (AP-P4), shared by the
enterprise, district and centre blueprints: one logic, each role's view of it."""

from dataclasses import dataclass
from math import ceil

import sqlalchemy as sa
from flask import abort, current_app, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.apprenticeship.quality import services as rates
from portal.apprenticeship.status import services as status_changes
from portal.apprenticeship.training.leave import today
from portal.catalogue.parameters import parameters_on
from portal.core import audit
from portal.core.access import get_or_404_for, programmes_for, status_changes_for
from portal.core.workflow import Decision
from portal.extensions import db
from portal.models import (
    Apprentice,
    ChangeState,
    District,
    Enrolment,
    Occupation,
    Organisation,
    Programme,
    ReviewState,
    StatusChange,
    StatusChangeKind,
)
from portal.web import review as review_actions
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, Route

LIST_TEMPLATE = "status/list.html"
DETAIL_TEMPLATE = "status/detail.html"
RATES_TEMPLATE = "rates/list.html"
DEFAULT_STATE = {"district": ChangeState.SUBMITTED.value}
EVENT = "statusChangeReviewed"
CHANGE_LABELS = {s.value: s.label for s in ChangeState}
# The district's decisions (C-REV) in the words of a change of status: 批准, not 通过.
DECISIONS = {Decision.APPROVE: "批准", Decision.RETURN: "退回修改", Decision.REJECT: "不予批准"}


# --- Pagination of rows that are tuples (or already computed lists) -----------------------


@dataclass
class ListPage:
    """What the `pagination` macro needs, for tuple rows and for lists sorted in Python."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_number() -> int:
    return max(1, min(request.args.get("page", 1, type=int), 10_000))


def paginate_rows(q: sa.Select) -> ListPage:
    """Two queries: the count and one page of (tuple) rows."""
    per_page, page = current_app.config["PAGE_SIZE"], page_number()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(q.order_by(None).subquery()))
    rows = db.session.execute(q.limit(per_page).offset((page - 1) * per_page)).all()
    return ListPage(items=rows, page=page, per_page=per_page, total=total or 0)


def districts() -> list[District]:
    return db.session.scalars(sa.select(District).order_by(District.sort_order)).all()


# --- Status changes: lists -----------------------------------------------------------------

Target = aliased(Programme, name="target")
TargetOccupation = aliased(Occupation, name="target_occupation")
Enterprise = aliased(Organisation, name="enterprise")


def with_details(q: sa.Select) -> sa.Select:
    """Each change with its enrolment, apprentice, programme, occupation, enterprise and the
    target of a transfer, in the same query (relationships are lazy="raise")."""
    return (
        q.add_columns(Enrolment, Apprentice, Programme, Occupation, Enterprise, Target,
                      TargetOccupation)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .join(Enterprise, Enterprise.id == Enrolment.enterprise_id)
        .outerjoin(Target, Target.id == StatusChange.target_programme_id)
        .outerjoin(TargetOccupation, TargetOccupation.id == Target.occupation_id)
    )


def change_filters(prefix: str) -> dict:
    """Whitelisted query-string filters of a status-change list."""
    state = request.args.get("state", DEFAULT_STATE.get(prefix, "all"))
    if state not in {s.value for s in ChangeState} | {"all"}:
        state = DEFAULT_STATE.get(prefix, "all")
    kind = request.args.get("kind", "")
    district = request.args.get("district", "")[:6] if prefix == "center" else ""
    return {
        "state": state,
        "kind": kind if kind in {k.value for k in StatusChangeKind} else "",
        "district": district,
        "q": request.args.get("q", "").strip()[:32],
    }


def _scoped(filters: dict, *, with_state: bool = True) -> sa.Select:
    q = status_changes_for(current_user)
    if with_state and filters["state"] != "all":
        q = q.where(StatusChange.state == filters["state"])
    if filters["kind"]:
        q = q.where(StatusChange.kind == filters["kind"])
    if filters["district"]:
        q = q.where(StatusChange.district_code == filters["district"])
    return q


def change_counts(filters: dict) -> dict[str, int]:
    q = _scoped(filters, with_state=False).with_only_columns(StatusChange.state, sa.func.count())
    return dict(db.session.execute(q.group_by(StatusChange.state)).all())


def change_list(prefix: str):
    filters = change_filters(prefix)
    q = with_details(_scoped(filters))
    if filters["q"]:
        q = q.where(Apprentice.name.contains(filters["q"], autoescape=True))
    # The district works oldest first; the others look at the newest.
    order = (StatusChange.updated_at, StatusChange.id) if prefix == "district" else (
        StatusChange.updated_at.desc(), StatusChange.id.desc())
    page = paginate_rows(q.order_by(*order))
    return page_or_block(LIST_TEMPLATE, "results", page=page, prefix=prefix, filters=filters,
                         counts=change_counts(filters), states=list(ChangeState),
                         kinds=list(StatusChangeKind), change_labels=CHANGE_LABELS,
                         districts=districts() if prefix == "center" else [])


def change_counts_block(prefix: str):
    if not request.headers.get("HX-Request"):
        return change_list(prefix)
    filters = change_filters(prefix)
    return page_or_block(LIST_TEMPLATE, "counts", prefix=prefix, filters=filters,
                         counts=change_counts(filters), states=list(ChangeState))


def load_row(change_id: int):
    """One change with its details, through the user's scope (404 outside it)."""
    row = db.session.execute(
        with_details(status_changes_for(current_user)).where(StatusChange.id == change_id)
    ).first()
    if row is None:
        abort(404)
    return row


# --- Status changes: detail and the district's decision ----------------------------------


def detail(prefix: str, change_id: int, form=None, error: str | None = None):
    """The change with both timelines; `form` is the enterprise's correction form."""
    row = load_row(change_id)
    change = row.StatusChange
    months = status_changes.approved_extension_months([change.enrolment_id])[change.enrolment_id]
    return page_or_block(
        DETAIL_TEMPLATE, "content", prefix=prefix, row=row, form=form, error=error,
        change_labels=CHANGE_LABELS,
        timeline=audit.timeline(status_changes.OBJECT_TYPE, change.id),
        enrolment_timeline=audit.timeline(status_changes.ENROLMENT_OBJECT, change.enrolment_id),
        planned_end=status_changes.planned_end(row.Programme, months), extension_months=months,
    )


def decide(prefix: str, change_id: int):
    """Inline review: htmx gets the row back (plus a toast); a plain POST redirects."""
    change = get_or_404_for(current_user, StatusChange, change_id)
    name = load_row(change_id).Apprentice.name
    return review_actions.decide(
        status_changes.decide, change, label=f"{name}（{change.kind.label}）", event=EVENT,
        decisions=DECISIONS, render_row=lambda row_error: _row(prefix, change_id, row_error),
        detail_url=url_for(f"{prefix}.status_change", change_id=change_id),
        list_url=url_for(f"{prefix}.status_changes"),
    )


def _row(prefix: str, change_id: int, row_error: str | None = None):
    return page_or_block(LIST_TEMPLATE, "row", r=load_row(change_id), prefix=prefix,
                         row_error=row_error, change_labels=CHANGE_LABELS)


# --- Training quality (AP-P4) -------------------------------------------------------------

SORTS = {
    "alert": "预警优先",
    "attendance": "出勤率从低到高",
    "attrition": "流失率从高到低",
    "start": "开班日期从新到旧",
}


def quality_filters(prefix: str) -> dict:
    sort = request.args.get("sort", "alert")
    return {
        "sort": sort if sort in SORTS else "alert",
        "alerts_only": request.args.get("alerts") == "1",
        "district": request.args.get("district", "")[:6] if prefix == "center" else "",
    }


def _sort_key(sort: str, found: dict[int, rates.Rates], starts: dict[int, object]):
    none_last = 1000  # a programme with nothing to count yet sorts after every figure

    def key(programme_id: int):
        r = found[programme_id]
        if sort == "attendance":
            return (none_last if r.attendance_pct is None else r.attendance_pct, programme_id)
        if sort == "attrition":
            return (-(r.attrition_pct if r.attrition_pct is not None else -1), programme_id)
        if sort == "start":
            return (-starts[programme_id].toordinal(), programme_id)
        return (not r.alert, -(r.attrition_pct or 0),
                none_last if r.attendance_pct is None else r.attendance_pct, programme_id)

    return key


def quality_page(prefix: str):
    """AP-P4 per programme in scope; sorted by alert across pages, so the rates of every
    programme in scope are computed (grouped queries), then one page is loaded."""
    filters = quality_filters(prefix)
    q = programmes_for(current_user).where(Programme.state == ReviewState.APPROVED)
    if filters["district"]:
        q = q.where(Programme.district_code == filters["district"])
    starts = dict(db.session.execute(q.with_only_columns(Programme.id, Programme.start_date)).all())
    params = parameters_on(today())
    found = rates.programme_rates(starts, params=params)
    ids = sorted(starts, key=_sort_key(filters["sort"], found, starts))
    if filters["alerts_only"]:
        ids = [i for i in ids if found[i].alert]
    per_page, page_no = current_app.config["PAGE_SIZE"], page_number()
    shown = ids[(page_no - 1) * per_page: page_no * per_page]
    loaded = {row.Programme.id: row for row in db.session.execute(
        sa.select(Programme, Occupation, Enterprise)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .join(Enterprise, Enterprise.id == Programme.enterprise_id)
        .where(Programme.id.in_(shown))
    )} if shown else {}
    page = ListPage(items=[loaded[i] for i in shown], page=page_no, per_page=per_page,
                    total=len(ids))
    return page_or_block(
        RATES_TEMPLATE, "results", prefix=prefix, page=page, rates=found, filters=filters,
        sorts=SORTS, params=params, alert_count=sum(1 for r in found.values() if r.alert),
        districts=districts() if prefix == "center" else [],
    )


# --- Routes: each role blueprint binds the pages it shows (routes.bind) -------------------

# Every role: its list of changes, the counters, training quality.
ROUTES: tuple[Route, ...] = (
    ("/status-changes", "status_changes", change_list, GET),
    ("/status-changes/counts", "status_change_counts", change_counts_block, GET),
    ("/quality", "quality", quality_page, GET),
)
# The district and the centre read a change here (the enterprise's page also corrects it).
DETAIL_ROUTES: tuple[Route, ...] = (
    ("/status-changes/<int:change_id>", "status_change", detail, GET),
)
# The district decides.
REVIEW_ROUTES: tuple[Route, ...] = (
    ("/status-changes/<int:change_id>/review", "review_status_change", decide, POST),
)
