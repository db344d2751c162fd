"""Pages of AP-V2 / AP-V3: the district's 约谈与整改 (summons, rectification orders), the
centre's 区级上报 (reported summons), fraud cases (district own, centre all), and the forms
that record a summons or a fraud finding on a programme."""

from datetime import date

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.clock import today
from portal.core import audit
from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.models import (
    FraudCase,
    Occupation,
    Organisation,
    Programme,
    Rectification,
    Referral,
    Summons,
    SummonsState,
)
from portal.supervision.escalation import fraud, summons
from portal.supervision.escalation.access import (
    fraud_cases_for,
    rectification_due,
    rectifications_for,
    summonses_for,
)
from portal.supervision.escalation.forms import FraudForm, NoteForm, SummonsForm
from portal.supervision.inspections.services import inspections_of
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int_or_none
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, RoleView, RouteTable, current_view

T = "supervision/escalation/"
SUMMONS_STATES = [(s.value, s.label) for s in SummonsState]
ORDER_STATES = [("open", "停训整改中"), ("lifted", "已解除停训")]


class EscalationView(RoleView):
    @property
    def district(self) -> bool:
        return self.blueprint == "district"


VIEWS = {"district": EscalationView("district"), "center": EscalationView("center")}


def _day_arg(name: str) -> date | None:
    raw = request.args.get(name, "")
    if not raw.isascii() or len(raw) != 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _with_programme(q: sa.Select, model) -> sa.Select:
    return (q.add_columns(Programme, Organisation, Occupation)
            .join(Programme, Programme.id == model.programme_id)
            .join(Organisation, Organisation.id == Programme.enterprise_id)
            .join(Occupation, Occupation.id == Programme.occupation_id))


# --- Summons -----------------------------------------------------------------------------


def summons_list():
    """约谈与整改 (district: its own) / 区级上报 (centre: reported by default)."""
    view = current_view(VIEWS)
    default = "all" if view.district else SummonsState.REPORTED.value
    state = request.args.get("state", default)
    state = state if state in {s.value for s in SummonsState} | {"all"} else "all"
    since, until = _day_arg("from"), _day_arg("to")
    q = summonses_for(current_user)
    if state != "all":
        q = q.where(Summons.state == SummonsState(state))
    if since:
        q = q.where(Summons.held_on >= since)
    if until:
        q = q.where(Summons.held_on <= until)
    page = paginate_rows(_with_programme(q, Summons)
                         .order_by(Summons.held_on.desc(), Summons.id.desc()))
    return page_or_block(T + "summons_list.html", "results", view=view, page=page,
                         state=state, since=since, until=until, states=SUMMONS_STATES)


def _summons_page(summons_id: int, form=None, status_code: int = 200):
    view = current_view(VIEWS)
    row = _row(summonses_for(current_user), Summons, summons_id)
    return page_or_block(T + "summons.html", "content", status_code=status_code, view=view,
                         row=row, summons=row.Summons, form=form or NoteForm(),
                         timeline=audit.timeline(summons.OBJECT_TYPE, summons_id))


def _row(q: sa.Select, model, id_: int):
    """The record with its programme, enterprise and occupation; out of scope is 404."""
    found = db.session.execute(_with_programme(q.where(model.id == id_), model)).first()
    if found is None:
        abort(404)
    return found


def summons_detail(summons_id: int):
    return _summons_page(summons_id)


def new_summons(programme_id: int):
    programme = get_or_404_for(current_user, Programme, programme_id)
    form = SummonsForm(inspections=inspections_of(programme.id), held_on=today())
    status_code = 200
    if request.method == "POST":
        status_code = 422
        if form.validate_on_submit():
            done = commit_or_refuse(lambda: summons.record(
                current_user, programme, held_on=form.held_on.data,
                attendees=form.attendees.data, reason=form.reason.data,
                outcome=form.outcome.data or "",
                inspection_id=db_int_or_none(form.inspection_id.data)),
                done="约谈记录已登记，已通知企业。", form=form)
            if done:
                return redirect(url_for("district.summons", summons_id=done.value.id))
    return page_or_block(T + "summons_form.html", "content", status_code=status_code,
                         form=form, programme=programme)


def _transition(summons_id: int, service, done: str):
    item = get_or_404_for(current_user, Summons, summons_id)
    form = NoteForm()
    if form.validate_on_submit() and commit_or_refuse(
            lambda: service(current_user, item, form.note.data or ""), done=done, form=form):
        return redirect(url_for("district.summons", summons_id=summons_id))
    return _summons_page(summons_id, form=form, status_code=422)


def correct_summons(summons_id: int):
    return _transition(summons_id, summons.mark_corrected, "已确认整改到位，已通知企业。")


def report_summons(summons_id: int):
    return _transition(summons_id, summons.report, "已报市级，市级可在“区级上报”中查看。")


# --- Rectification orders ------------------------------------------------------------------


def rectification_list():
    view = current_view(VIEWS)
    state = request.args.get("state", "open")
    state = state if state in {"open", "lifted", "all"} else "open"
    q = rectifications_for(current_user)
    if state == "open":
        q = q.where(Rectification.lifted_on.is_(None))
    elif state == "lifted":
        q = q.where(Rectification.lifted_on.is_not(None))
    if request.args.get("due") == "1":  # the worklist's deadline alert (issue 14 item 10)
        q = q.where(rectification_due(today()))
    page = paginate_rows(_with_programme(q, Rectification)
                         .order_by(Rectification.deadline, Rectification.id))
    return page_or_block(T + "rectification_list.html", "results", view=view, page=page,
                         state=state, states=ORDER_STATES, today=today())


# --- Fraud cases ---------------------------------------------------------------------------


def fraud_list():
    view = current_view(VIEWS)
    referral = request.args.get("referral", "all")
    referral = referral if referral in {r.value for r in Referral} | {"all"} else "all"
    q = fraud_cases_for(current_user).where(FraudCase.programme_id.is_not(None))
    if referral != "all":
        q = q.where(FraudCase.referral == Referral(referral))
    page = paginate_rows(_with_programme(q, FraudCase)
                         .order_by(FraudCase.found_on.desc(), FraudCase.id.desc()))
    return page_or_block(T + "fraud_list.html", "results", view=view, page=page,
                         referral=referral, referrals=[(r.value, r.label) for r in Referral])


def fraud_detail(case_id: int):
    view = current_view(VIEWS)
    row = _row(fraud_cases_for(current_user).where(FraudCase.programme_id.is_not(None)),
               FraudCase, case_id)
    return page_or_block(T + "fraud.html", "content", view=view, row=row, case=row.FraudCase,
                         recoveries=fraud.recoveries_of_programme(row.Programme.id),
                         timeline=audit.timeline(fraud.OBJECT_TYPE, case_id))


def new_fraud(programme_id: int):
    view = current_view(VIEWS)
    programme = get_or_404_for(current_user, Programme, programme_id)
    form = FraudForm(found_on=today())
    status_code = 200
    if request.method == "POST":
        status_code = 422
        if form.validate_on_submit():
            done = commit_or_refuse(lambda: fraud.record(
                current_user, programme, found_on=form.found_on.data,
                findings=form.findings.data, referral=form.referral.data,
                referral_note=form.referral_note.data or ""),
                done="骗取补贴查处结果已登记；已拨付的补贴已生成追回单。", form=form)
            if done:
                return redirect(view.url("fraud_case", case_id=done.value.case.id))
    return page_or_block(T + "fraud_form.html", "content", status_code=status_code, view=view,
                         form=form, programme=programme,
                         unrecovered=fraud.unrecovered_paid(programme.id))


_SHARED = (
    ("/summons", "summons_list", summons_list, GET),
    ("/summons/<int:summons_id>", "summons", summons_detail, GET),
    ("/rectifications", "rectifications", rectification_list, GET),
    ("/fraud-cases", "fraud_cases", fraud_list, GET),
    ("/fraud-cases/<int:case_id>", "fraud_case", fraud_detail, GET),
    ("/programmes/<int:programme_id>/fraud/new", "new_fraud_case", new_fraud, GET_POST),
)
ROUTES: RouteTable = {
    "district": _SHARED + (
        ("/programmes/<int:programme_id>/summons/new", "new_summons", new_summons, GET_POST),
        ("/summons/<int:summons_id>/corrected", "correct_summons", correct_summons, POST),
        ("/summons/<int:summons_id>/report", "report_summons", report_summons, POST),
    ),
    "center": _SHARED,
}
