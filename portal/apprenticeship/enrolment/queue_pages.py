"""Apprentice (enrolment) pages every role shares: the list, the district's inline and bulk
review (AP-W2), the detail page and the audited full-ID view. The enterprise's own side of
AP-W2 is in ``registration_pages`` (one at a time) and ``import_pages`` (from Excel).

C-PII: every list and list fragment shows masked ID numbers and mobiles; the full values
appear only in the response to an explicit POST on the detail page, which is audited.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, redirect, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import rules
from portal.apprenticeship.enrolment import services as svc
from portal.apprenticeship.enrolment.access import enrolments_for
from portal.apprenticeship.enrolment.agreements import lacking_agreement
from portal.apprenticeship.enrolment.forms import AgreementForm
from portal.apprenticeship.enrolment.trainee_accounts import reveal_identity
from portal.apprenticeship.mentors.services import lacking_mentor
from portal.apprenticeship.programmes.access import programmes_for
from portal.apprenticeship.status import services as status_changes
from portal.core import audit, revisions
from portal.core.access import can, get_or_404_for
from portal.core.workflow import Decision
from portal.extensions import db, htmx
from portal.models import (
    Apprentice,
    Document,
    Enrolment,
    EnrolmentState,
    Occupation,
    Organisation,
    Programme,
    ReviewState,
    TrainingAgreement,
)
from portal.web import review as review_actions
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int
from portal.web.pagination import kept_query, paginate_keyed
from portal.web.render import page_or_block, toast
from portal.web.routes import RoleView, current_view

QUEUE_TEMPLATE = "enrolment/queue.html"
DETAIL_TEMPLATE = "enrolment/detail.html"
EVENT = "enrolmentReviewed"
# The search box takes a name, the last four characters of an ID number or the enterprise's
# name or credit code. A whole ID number is looked up by POST only (`find_by_id`): in the
# query string it would end up in the address bar (hx-push-url) and in server logs.
_ID_TAIL = 4
BULK_MAX = 500  # "select all N matching": one request approves at most this many
# AP-N3: the enterprise's priority as a per-row look-up by primary key, so that neither the
# count nor the filters join the organisations.
_FOUR_CENTRES = (sa.select(Organisation.four_centres)
                 .where(Organisation.id == Enrolment.enterprise_id)
                 .correlate(Enrolment).scalar_subquery())


@dataclass(frozen=True)
class EnrolmentView(RoleView):
    """A role's apprentice pages: the list's titles, and what the role does there."""

    title: str = "本单位学徒"
    page_title: str = "学徒名单"
    default_status: str = "all"
    reviews: bool = False  # the district: inline and bulk review, the detail's review form
    registers: bool = False  # the enterprise: registration, agreements, initial passwords
    shows_enterprise: bool = True  # a list across enterprises names each one


VIEWS = {
    "district": EnrolmentView(blueprint="district", title="学徒报名审核",
                              page_title="学徒报名审核",
                              default_status=EnrolmentState.SUBMITTED.value, reviews=True),
    "center": EnrolmentView(blueprint="center", title="学徒名单（全市）"),
    "enterprise": EnrolmentView(blueprint="enterprise", registers=True, shows_enterprise=False),
}


def view() -> EnrolmentView:
    return current_view(VIEWS)


def eager(q: sa.Select) -> sa.Select:
    return q.options(
        joinedload(Enrolment.programme).joinedload(Programme.occupation),
        joinedload(Enrolment.programme).joinedload(Programme.enterprise),
    )


def load(enrolment_id: int, action: str = "view") -> Enrolment:
    return get_or_404_for(current_user, Enrolment, enrolment_id, action)


# ------------------------------------------------------------------------------ queue


# The worklist's apprentices not ready for their record: no two mentors (AP-M1), no
# training agreement (AP-A1).
MISSING = {"mentor": lambda user: lacking_mentor(), "agreement": lacking_agreement}


def queue_filters(default: str, values=None) -> dict:
    """Whitelisted filters of an apprentice list (the query string, or a POSTed lookup)."""
    posted = values is not None
    values = values if posted else request.args
    status = values.get("status", default)
    if status not in {s.value for s in EnrolmentState} | {"all"}:
        status = default
    q = values.get("q", "").strip()[:32]
    resident_id = rules.normalise_identifier(values.get("resident_id", ""))[:18] if posted else ""
    return {"status": status, "programme_id": values.get("programme_id", type=db_int), "q": q,
            "resident_id": resident_id if rules.is_valid_resident_id(resident_id) else "",
            "missing": values.get("missing") if values.get("missing") in MISSING else ""}


def _search(q: str) -> sa.ColumnElement[bool]:
    """A name, an ID number's last four characters, or the enterprise's name or credit code."""
    tail = rules.normalise_identifier(q)
    people = [Apprentice.name.contains(q, autoescape=True)]
    if len(tail) == _ID_TAIL and tail.isascii() and tail.isalnum():
        people.append(Apprentice.resident_id.endswith(tail, autoescape=True))
    enterprises = sa.select(Organisation.id).where(sa.or_(
        Organisation.name.contains(q, autoescape=True),
        Organisation.credit_code == rules.normalise_identifier(q)))
    return sa.or_(Enrolment.apprentice_id.in_(sa.select(Apprentice.id).where(sa.or_(*people))),
                  Enrolment.enterprise_id.in_(enterprises))


def filtered(filters: dict) -> sa.Select:
    q = enrolments_for(current_user)
    if filters["status"] != "all":
        q = q.where(Enrolment.state == filters["status"])
    if filters["programme_id"]:
        q = q.where(Enrolment.programme_id == filters["programme_id"])
    if filters.get("missing"):
        q = q.where(MISSING[filters["missing"]](current_user))
    if filters["q"]:
        q = q.where(_search(filters["q"]))
    if filters.get("resident_id"):
        q = q.where(Enrolment.apprentice_id.in_(sa.select(Apprentice.id).where(
            Apprentice.resident_id == filters["resident_id"])))
    # AP-N3: four-centres enterprises first, never excluding others; then the oldest
    # submission first, drafts last.
    return q.order_by(_FOUR_CENTRES.desc(), Enrolment.submitted_at.asc().nulls_last(),
                      Enrolment.id)


def status_counts() -> dict:
    q = enrolments_for(current_user).with_only_columns(Enrolment.state, sa.func.count())
    return dict(db.session.execute(q.group_by(Enrolment.state)).all())


def programme_choices(status: str) -> list[tuple[int, str]]:
    """The filter's programmes: approved ones in scope that hold enrolments in the status
    shown (a district's queue lists the few with registrations waiting, not all of them)."""
    q = programmes_for(current_user)
    if status != "all":
        q = q.where(Programme.id.in_(enrolments_for(current_user).with_only_columns(
            Enrolment.programme_id).where(Enrolment.state == status)))
    rows = db.session.execute(
        q
        .with_only_columns(Programme.id, Organisation.name, Occupation.name, Programme.level,
                           Programme.start_date)
        .join(Organisation, Organisation.id == Programme.enterprise_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Programme.state == ReviewState.APPROVED)
        .order_by(Programme.start_date.desc(), Programme.id)
    )
    return [(pid, f"{org} · {occupation} · {rules.LEVEL_LABELS.get(level, level)}（{start}）")
            for pid, org, occupation, level, start in rows]


def _load_rows(ids: list[int]) -> list[Enrolment]:
    return list(db.session.scalars(eager(sa.select(Enrolment))
                                   .options(joinedload(Enrolment.apprentice))
                                   .where(Enrolment.id.in_(ids))))


def queue_page(filters: dict | None = None, **extra):
    role = view()
    filters = filters or queue_filters(role.default_status)
    # The page's ids first, then its rows with what they show: the AP-N3 order (by the
    # enterprise) would otherwise join every enrolment of the district before the cut.
    page = paginate_keyed(filtered(filters).with_only_columns(Enrolment.id), _load_rows)
    revised = revisions.since_return(svc.OBJECT_TYPE, page.items) if role.reviews else {}
    return page_or_block(QUEUE_TEMPLATE, "results", page=page, view=role, filters=filters,
                         revised=revised,
                         counts=status_counts(), states=list(EnrolmentState),
                         programmes=programme_choices(filters["status"]), **extra)


def counts():
    if not htmx:
        return queue_page()
    role = view()
    return page_or_block(QUEUE_TEMPLATE, "counts", view=role, counts=status_counts(),
                         states=list(EnrolmentState), filters=queue_filters(role.default_status))


def _row(enrolment_id: int, message: str, level: str, row_error: str | None = None):
    enrolment = db.session.scalar(eager(sa.select(Enrolment)).options(
        joinedload(Enrolment.apprentice)).where(Enrolment.id == enrolment_id))
    response = page_or_block(QUEUE_TEMPLATE, "row", e=enrolment, view=view(),
                             row_error=row_error,
                             revised=revisions.since_return(svc.OBJECT_TYPE, [enrolment]))
    return toast(response, message, event=EVENT if level == "success" else None, level=level)


def decide(enrolment_id: int):
    """Inline review: htmx gets the row back in place (plus a toast); plain POST redirects."""
    enrolment = load(enrolment_id)
    try:
        decision = Decision(request.form.get("decision", ""))
    except ValueError:
        abort(400)
    name = db.session.scalar(sa.select(Apprentice.name)
                             .where(Apprentice.id == enrolment.apprentice_id))
    reviewed = commit_or_refuse(
        lambda: svc.district_review(current_user, enrolment, decision,
                                    request.form.get("comment", ""),
                                    pointed=request.form.getlist("pointed")),
        flash_error=False)
    if not reviewed:
        return _refused(enrolment_id, reviewed.error)
    message = f"已{decision.label}：{name}" + ("，学籍已建立" if decision == Decision.APPROVE else "")
    if not htmx:
        flash(message, "success")
        return redirect(view().url("enrolment", enrolment_id=enrolment_id))
    return _row(enrolment_id, message, "success")


def _refused(enrolment_id: int, message: str):
    if not htmx:
        flash(message, "error")
        return redirect(view().url("enrolment", enrolment_id=enrolment_id))
    return _row(enrolment_id, message, "error", row_error=message)


def find_by_id():
    """C-PII: the queue filtered by a whole ID number, POSTed so that it stays out of URLs."""
    filters = queue_filters("all", request.form)
    if not filters["resident_id"]:
        message = "请输入完整、有效的18位居民身份证号码"
        if not htmx:
            flash(message, "error")
            return redirect(view().url("enrolments"))
        return toast(queue_page(), message, level="error")
    return queue_page(filters)


def bulk_approve():
    """Approve the ticked rows, or every submitted row matching the filter, in one request;
    per-row results (web.review.bulk_approve)."""
    waiting = {**queue_filters(EnrolmentState.SUBMITTED.value),
               "status": EnrolmentState.SUBMITTED.value}
    return review_actions.bulk_approve(
        lambda actor, enrolment, decision: svc.district_review(actor, enrolment, decision),
        Enrolment, enrolments_for(current_user), filtered(waiting),
        noun="学徒", unit="人", approved_note="，学籍已建立",
        event=EVENT, list_url=view().url("enrolments", **kept_query()),
        render_results=lambda refused: queue_page(row_errors=refused))


# ------------------------------------------------------------------------------ detail


def programme_header(programme: Programme) -> dict:
    """Names and seats shown above a programme's apprentice pages, in one query."""
    enterprise, occupation = db.session.execute(sa.select(
        sa.select(Organisation.name).where(Organisation.id == programme.enterprise_id)
        .scalar_subquery(),
        sa.select(Occupation.name).where(Occupation.id == programme.occupation_id)
        .scalar_subquery(),
    )).one()
    return {"enterprise": enterprise, "occupation": occupation,
            "level": rules.LEVEL_LABELS.get(programme.level, programme.level),
            "seats_left": programme.planned_count - programme.enrolled_count}


def detail_context(enrolment: Enrolment) -> dict:
    full = db.session.scalar(eager(sa.select(Enrolment)).options(joinedload(Enrolment.apprentice))
                             .where(Enrolment.id == enrolment.id))
    agreement = (db.session.get(TrainingAgreement, full.agreement_id)
                 if full.agreement_id else None)
    document = (db.session.get(Document, agreement.document_id)
                if agreement is not None and agreement.document_id else None)
    timeline = audit.timeline(svc.OBJECT_TYPE, full.id)
    reviewing = view().reviews and can(current_user, "district_review", full)
    return {
        "e": full,
        "person": full.apprentice,
        "agreement": agreement,
        "agreement_document": document,
        "timeline": timeline,
        **revisions.page_context(svc.OBJECT_TYPE, full, timeline, reviewing),
        "scheduled": status_changes.scheduled_change(full.id) if full.established_on else None,
        "hire_types": rules.HIRE_TYPES,
    }


def detail(enrolment_id: int, *, status_code: int = 200, **extra):
    role = view()
    enrolment = load(enrolment_id)
    if role.registers:
        extra.setdefault("agreement_form", AgreementForm())
    return page_or_block(DETAIL_TEMPLATE, "content", view=role, status_code=status_code,
                         **detail_context(enrolment), **extra)


def private(response):
    """Pages with a full ID number or a password are never cached."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def reveal(enrolment_id: int):
    """C-PII: the explicit, audited 查看完整证件号码 (POST: never a URL with the number)."""
    enrolment = load(enrolment_id, "view_full_id")
    identity = reveal_identity(current_user, enrolment)
    db.session.commit()
    if htmx:
        return private(page_or_block(DETAIL_TEMPLATE, "identity", view=view(),
                                      e=enrolment, identity=identity,
                                      person=db.session.get(Apprentice, enrolment.apprentice_id)))
    return private(detail(enrolment_id, identity=identity))
