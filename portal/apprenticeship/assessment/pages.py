"""Joint assessment pages (考核评价, AP-S1, AP-S2): an overview of the programmes and the
class screen of one programme, where the enterprise and the institution each save their
verdict row by row (htmx swaps the row; without JavaScript the POST redirects back).
District and centre read the same screens (C-DIST through the enrolment scope)."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, redirect, request
from flask_login import current_user

from portal.apprenticeship.assessment import access as assessment_access
from portal.apprenticeship.assessment import services as assessments
from portal.apprenticeship.assessment import worklist
from portal.apprenticeship.assessment.forms import AssessmentRowForm
from portal.apprenticeship.mentors.roster import load_programme, programme_header
from portal.apprenticeship.programmes.access import programmes_for
from portal.apprenticeship.status.services import approved_extension_months, planned_end
from portal.core.access import visible
from portal.extensions import db, htmx
from portal.models import (
    Apprentice,
    Assessment,
    Certificate,
    Enrolment,
    EnrolmentState,
    Occupation,
    Programme,
    ReviewState,
    Verdict,
)
from portal.web.commit import commit_or_refuse
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block, toast
from portal.web.routes import GET, POST, RoleView, RouteTable, current_view

CLASS_TEMPLATE = "assessment/class.html"
OVERVIEW_TEMPLATE = "assessment/overview.html"
SHOWN_STATES = (EnrolmentState.ACTIVE, EnrolmentState.COMPLETED)


@dataclass(frozen=True)
class AssessmentView(RoleView):
    records: bool = False  # a party to the assessment (its own verdict, row forms)


VIEWS = {
    "enterprise": AssessmentView(blueprint="enterprise", records=True),
    "institution": AssessmentView(blueprint="institution", records=True),
    "district": AssessmentView(blueprint="district"),
    "center": AssessmentView(blueprint="center"),
}


# --- The class screen -------------------------------------------------------------------

def _rows(programme: Programme) -> sa.Select:
    """The class (in training and completed) with each assessment and certificate, ONE query."""
    return (visible(Enrolment, current_user)
            .add_columns(Apprentice, Assessment, Certificate)
            .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
            .outerjoin(Assessment, Assessment.enrolment_id == Enrolment.id)
            .outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
            .where(Enrolment.programme_id == programme.id, Enrolment.state.in_(SHOWN_STATES)))


def _row_context(programme: Programme, rows, side, forms=None) -> dict:
    months = approved_extension_months(r.Enrolment.id for r in rows)  # ONE grouped query
    forms = dict(forms or {})
    if side:
        for r in rows:
            forms.setdefault(r.Enrolment.id,
                             AssessmentRowForm.for_row(r.Enrolment.id, r.Assessment, side))
    return {
        "view": current_view(VIEWS), "programme": programme, "side": side, "forms": forms,
        "ends": {r.Enrolment.id: planned_end(programme, months[r.Enrolment.id]) for r in rows},
        "disagreement": assessments.DISAGREEMENT, "today": assessments.today(),
    }


def class_page(programme_id: int):
    programme = load_programme(programme_id)
    side = assessment_access.assessing_side(current_user, programme)
    page = paginate_rows(_rows(programme).order_by(Enrolment.id))
    return page_or_block(CLASS_TEMPLATE, "results", page=page,
                         header=programme_header(programme),
                         **_row_context(programme, page.items, side))


def _row(programme: Programme, enrolment_id: int):
    row = db.session.execute(_rows(programme).where(Enrolment.id == enrolment_id)).first()
    if row is None:
        abort(404)
    return row


def _render_row(programme: Programme, enrolment_id: int, side, form=None):
    row = _row(programme, enrolment_id)
    forms = {enrolment_id: form} if form is not None else None
    return page_or_block(CLASS_TEMPLATE, "row", r=row,
                         **_row_context(programme, [row], side, forms))


def save_row(programme_id: int, enrolment_id: int):
    """AP-S1, AP-S2: one party's verdict (and vocational certificate) for one apprentice."""
    view = current_view(VIEWS)
    programme = load_programme(programme_id)
    side = assessment_access.assessing_side(current_user, programme)
    if side is None:
        abort(403)
    row = _row(programme, enrolment_id)  # 404 outside the class or the user's scope
    enrolment = row.Enrolment
    form = AssessmentRowForm.for_row(enrolment_id, row.Assessment, side, formdata=request.form)
    back = view.url("programme_assessment", programme_id=programme_id,
                    page=request.args.get("page", type=int))
    if not form.validate():
        message = next(iter(e for errs in form.errors.values() for e in errs), "请检查填写内容")
        if not htmx:
            flash(message, "error")
            return redirect(back)
        return toast(_render_row(programme, enrolment_id, side, form), message, level="error")
    saved = commit_or_refuse(
        lambda: assessments.record_verdict(
            current_user, enrolment, Verdict(form.verdict.data) if form.verdict.data else None,
            vocational=form.vocational(), comment=form.comment.data or ""),
        flash_error=not htmx)
    name = row.Apprentice.name
    if not saved:
        if not htmx:
            return redirect(back)
        form.attach(getattr(saved.refusal, "problems", None), saved.error)
        return toast(_render_row(programme, enrolment_id, side, form), saved.error, level="error")
    message = _saved_message(name, saved.value)
    if not htmx:
        flash(message, "success")
        return redirect(back)
    return toast(_render_row(programme, enrolment_id, side), message, event="assessmentSaved")


def _saved_message(name: str, assessment: Assessment) -> str:
    if assessment.agreed_verdict is not None:
        return f"已保存：{name}，企校考核一致（{assessment.agreed_verdict.label}），已结业"
    if assessment.disagreement:
        return f"已保存：{name}。{assessments.DISAGREEMENT}，请与对方核对"
    return f"已保存：{name}，等待对方填写考核结果"


# --- Overview: the programmes and where their assessment stands ---------------------------

def overview():
    """Approved programmes in scope with, per programme (ONE grouped query for the page):
    apprentices due for assessment, disagreements, passed, failed."""
    view = current_view(VIEWS)
    q = (programmes_for(current_user).where(Programme.state == ReviewState.APPROVED)
         .add_columns(Occupation).join(Occupation, Occupation.id == Programme.occupation_id)
         .order_by(Programme.start_date, Programme.id))
    page = paginate_rows(q)
    ids = [r.Programme.id for r in page.items]
    counts = _counts(ids) if ids else {}
    return page_or_block(OVERVIEW_TEMPLATE, "results", view=view, page=page, counts=counts)


def _counts(programme_ids: list[int]) -> dict[int, dict[str, int]]:
    def total(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    rows = db.session.execute(
        sa.select(Enrolment.programme_id,
                  total(sa.and_(worklist.due(assessments.today()),
                                Assessment.agreed_verdict.is_(None))).label("due"),
                  total(worklist.disagreeing()).label("disagree"),
                  total(Assessment.agreed_verdict == Verdict.PASSED).label("passed"),
                  total(Assessment.agreed_verdict == Verdict.FAILED).label("failed"))
        .join(Programme, Programme.id == Enrolment.programme_id)
        .outerjoin(Assessment, Assessment.enrolment_id == Enrolment.id)
        .where(Enrolment.programme_id.in_(programme_ids), Enrolment.state.in_(SHOWN_STATES))
        .group_by(Enrolment.programme_id)
    ).mappings().all()
    return {r["programme_id"]: {k: int(r[k] or 0) for k in ("due", "disagree", "passed", "failed")}
            for r in rows}


_READ = (
    ("/assessment", "assessments", overview, GET),
    ("/programmes/<int:programme_id>/assessment", "programme_assessment", class_page, GET),
)
_RECORD = _READ + (
    ("/programmes/<int:programme_id>/assessment/<int:enrolment_id>", "save_assessment",
     save_row, POST),
)
ROUTES: RouteTable = {"enterprise": _RECORD, "institution": _RECORD, "district": _READ,
                      "center": _READ}
