"""Changes of status (学籍异动, AP-P2): the enterprise asks and corrects, the district decides
(C-REV, C-DIST), the centre reads city-wide. One logic, each role's view of it."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.apprenticeship.programmes.access import own_programmes_with_seats
from portal.apprenticeship.status import services as status_changes
from portal.apprenticeship.status.access import changeable_enrolments, status_changes_for
from portal.apprenticeship.status.forms import ChangeDetailsForm, StatusChangeForm
from portal.core import audit
from portal.core.access import get_or_404_for
from portal.core.workflow import Decision
from portal.extensions import db, htmx
from portal.models import (
    Apprentice,
    ChangeState,
    Enrolment,
    EnrolmentState,
    Occupation,
    Organisation,
    Programme,
    StatusChange,
    StatusChangeKind,
)
from portal.money.ledger.effects import money_effect
from portal.web import review as review_actions
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int
from portal.web.districts import all_districts
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, RoleView, RouteTable, current_view

LIST_TEMPLATE = "status/list.html"
DETAIL_TEMPLATE = "status/detail.html"
EVENT = "statusChangeReviewed"
CHANGE_LABELS = {s.value: s.label for s in ChangeState}
# The district's decisions (C-REV) in the words of a change of status: 批准, not 通过.
DECISIONS = {Decision.APPROVE: "批准", Decision.RETURN: "退回修改", Decision.REJECT: "不予批准"}


@dataclass(frozen=True)
class StatusView(RoleView):
    default_state: str = "all"
    oldest_first: bool = False  # a queue to work through, rather than news to look at
    city_wide: bool = False  # filters by district
    shows_enterprise: bool = True
    reviews: bool = False  # C-REV: decides inline and on the change's page
    requests: bool = False  # asks for a change, corrects a returned one, withdraws it


VIEWS = {
    "district": StatusView(blueprint="district", default_state=ChangeState.SUBMITTED.value,
                           oldest_first=True, reviews=True),
    "center": StatusView(blueprint="center", city_wide=True),
    "enterprise": StatusView(blueprint="enterprise", shows_enterprise=False, requests=True),
}



# --- Lists -----------------------------------------------------------------------------

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


def change_filters(view: StatusView) -> dict:
    """Whitelisted query-string filters of a status-change list."""
    state = request.args.get("state", view.default_state)
    if state not in {s.value for s in ChangeState} | {"all"}:
        state = view.default_state
    kind = request.args.get("kind", "")
    return {
        "state": state,
        "kind": kind if kind in {k.value for k in StatusChangeKind} else "",
        "district": request.args.get("district", "")[:6] if view.city_wide else "",
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


def change_list():
    view = current_view(VIEWS)
    filters = change_filters(view)
    q = with_details(_scoped(filters))
    if filters["q"]:
        q = q.where(Apprentice.name.contains(filters["q"], autoescape=True))
    order = (StatusChange.updated_at, StatusChange.id) if view.oldest_first else (
        StatusChange.updated_at.desc(), StatusChange.id.desc())
    page = paginate_rows(q.order_by(*order))
    return page_or_block(LIST_TEMPLATE, "results", page=page, view=view, filters=filters,
                         counts=change_counts(filters), states=list(ChangeState),
                         kinds=list(StatusChangeKind), change_labels=CHANGE_LABELS,
                         districts=all_districts() if view.city_wide else [])


def change_counts_block():
    if not htmx:
        return change_list()
    view = current_view(VIEWS)
    filters = change_filters(view)
    return page_or_block(LIST_TEMPLATE, "counts", view=view, filters=filters,
                         counts=change_counts(filters), states=list(ChangeState))


def load_row(change_id: int):
    """One change with its details, through the user's scope (404 outside it)."""
    row = db.session.execute(
        with_details(status_changes_for(current_user)).where(StatusChange.id == change_id)
    ).first()
    if row is None:
        abort(404)
    return row


# --- One change: its page, the district's decision -----------------------------------------


def _detail_page(change_id: int, form=None):
    """The change with both timelines; `form` is the enterprise's correction form."""
    row = load_row(change_id)
    change = row.StatusChange
    months = status_changes.approved_extension_months([change.enrolment_id])[change.enrolment_id]
    return page_or_block(
        DETAIL_TEMPLATE, "content", view=current_view(VIEWS), row=row, form=form,
        change_labels=CHANGE_LABELS,
        timeline=audit.timeline(status_changes.OBJECT_TYPE, change.id),
        enrolment_timeline=audit.timeline(status_changes.ENROLMENT_OBJECT, change.enrolment_id),
        planned_end=status_changes.planned_end(row.Programme, months), extension_months=months,
    )


def detail(change_id: int):
    form = None
    if current_view(VIEWS).requests:
        change = get_or_404_for(current_user, StatusChange, change_id)
        form = edit_form(change) if ChangeState(change.state).editable else None
    return _detail_page(change_id, form=form)


def decide(change_id: int):
    """Inline review: htmx gets the row back (plus a toast); a plain POST redirects."""
    view = current_view(VIEWS)
    change = get_or_404_for(current_user, StatusChange, change_id)
    name = load_row(change_id).Apprentice.name
    return review_actions.decide(
        status_changes.decide, change, label=f"{name}（{change.kind.label}）", event=EVENT,
        decisions=DECISIONS, render_row=lambda row_error: _row(view, change_id, row_error),
        detail_url=view.url("status_change", change_id=change_id),
        list_url=view.url("status_changes"),
    )


def _row(view: StatusView, change_id: int, row_error: str | None = None):
    return page_or_block(LIST_TEMPLATE, "row", r=load_row(change_id), view=view,
                         row_error=row_error, change_labels=CHANGE_LABELS)


# --- The enterprise's requests -----------------------------------------------------------


def _enrolment_choices() -> list[tuple[int, str]]:
    """The enterprise's apprentices in training or suspended (form choices narrowed to scope)."""
    rows = db.session.execute(
        changeable_enrolments(current_user)
        .with_only_columns(Enrolment.id, Apprentice.name, Occupation.name, Enrolment.state)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .order_by(Apprentice.name, Enrolment.id)
    ).all()
    return [(i, f"{name} · {occupation} · {EnrolmentState(status).label}")
            for i, name, occupation, status in rows]


def _target_choices() -> list[tuple[int, str]]:
    """Approved programmes of the enterprise with a free seat (transfer targets)."""
    rows = db.session.execute(
        own_programmes_with_seats(current_user)
        .with_only_columns(Programme.id, Occupation.name, Programme.start_date,
                           Programme.enrolled_count, Programme.planned_count)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .order_by(Programme.start_date.desc(), Programme.id)
    ).all()
    return [(i, f"{name}（{start} 开班，余{planned - taken}个名额）")
            for i, name, start, taken, planned in rows]


def _attach(form, outcome) -> None:
    """A refusal's problems go under their fields (the service names them), the rest on top."""
    for field, message in getattr(outcome.refusal, "problems", None) or [("", outcome.error)]:
        target = getattr(form, field, None)
        (target.errors if target is not None else form.form_errors).append(message)


def new_status_change():
    view = current_view(VIEWS)
    enrolments = _enrolment_choices()
    form = StatusChangeForm(enrolments=enrolments, targets=_target_choices())
    if request.method == "GET" and request.args.get("enrolment_id", type=db_int):
        form.enrolment_id.data = request.args.get("enrolment_id", type=db_int)
    # Issue 12 item 6: "查看补贴影响" re-renders the form with the money effect, sending nothing.
    previewing = request.method == "POST" and request.form.get("preview") == "1"
    if not previewing and form.validate_on_submit():
        enrolment = db.session.get(Enrolment, form.enrolment_id.data)
        sent = commit_or_refuse(
            lambda: status_changes.request_change(current_user, enrolment,
                                                  form.change_data(form.kind.data)),
            done="学籍异动申请已提交所在区人社局审核。", flash_error=False)
        if sent:
            return redirect(view.url("status_change", change_id=sent.value.id))
        _attach(form, sent)
    return render_template("status/form.html", view=view, form=form,
                           has_enrolments=bool(enrolments), effect=_money_effect(form))


def _money_effect(form: StatusChangeForm):
    """AP-$4, AP-$2: the subsidy effect of the chosen change, for an enrolment in scope."""
    if form.enrolment_id.data not in {value for value, _label in _enrolment_choices()}:
        return None
    return money_effect(form.enrolment_id.data, form.kind.data, form.extension_months.data)


def status_change_money_effect():
    """The money-effect panel for htmx as the form changes; without htmx the whole form with
    the panel (GET: nothing is sent)."""
    enrolments = _enrolment_choices()
    form = StatusChangeForm(formdata=request.args, enrolments=enrolments,
                            targets=_target_choices())
    return page_or_block("status/form.html", "money_effect", view=current_view(VIEWS),
                         form=form, has_enrolments=bool(enrolments), effect=_money_effect(form))


def edit_form(change: StatusChange, formdata=None) -> ChangeDetailsForm:
    """The correction form of a returned request, filled with what was sent."""
    data = None if formdata else {
        "effective_on": change.effective_on, "reason": change.reason,
        "extension_months": change.extension_months,
        "target_programme_id": change.target_programme_id,
    }
    return ChangeDetailsForm(formdata=formdata, data=data, kind=change.kind,
                             targets=_target_choices())


def resubmit(change_id: int):
    change = get_or_404_for(current_user, StatusChange, change_id)
    form = edit_form(change, formdata=request.form)
    if form.validate():
        sent = commit_or_refuse(
            lambda: status_changes.resubmit(current_user, change, form.change_data(change.kind)),
            done="修改后的申请已重新提交区人社局审核。", flash_error=False)
        if sent:
            return redirect(current_view(VIEWS).url("status_change", change_id=change_id))
        _attach(form, sent)
    return _detail_page(change_id, form=form)


def cancel(change_id: int):
    change = get_or_404_for(current_user, StatusChange, change_id)
    commit_or_refuse(lambda: status_changes.cancel(current_user, change), done="已撤回学籍异动申请。")
    return redirect(current_view(VIEWS).url("status_change", change_id=change_id))


# Every role: its list of changes, the counters and each change's page.
_READ = (
    ("/status-changes", "status_changes", change_list, GET),
    ("/status-changes/counts", "status_change_counts", change_counts_block, GET),
    ("/status-changes/<int:change_id>", "status_change", detail, GET),
)
ROUTES: RouteTable = {
    "district": _READ + (
        ("/status-changes/<int:change_id>/review", "review_status_change", decide, POST),
    ),
    "center": _READ,
    "enterprise": _READ + (
        ("/status-changes/new", "new_status_change", new_status_change, GET_POST),
        ("/status-changes/money-effect", "status_change_money_effect",
         status_change_money_effect, GET),
        ("/status-changes/<int:change_id>/resubmit", "resubmit_status_change", resubmit, POST),
        ("/status-changes/<int:change_id>/cancel", "cancel_status_change", cancel, POST),
    ),
}
