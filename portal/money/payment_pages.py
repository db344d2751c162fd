"""Funds, payments and recoveries (AP-$5, AP-$4, AP-W3): the centre keeps the funds and pays
approved claims; district and centre record repayments of recovery orders; the enterprise
sees its own. Views stay thin: load in scope, validate, one service call, one commit."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.clock import today
from portal.core import audit
from portal.core.access import can, get_or_404_for
from portal.extensions import db
from portal.models import (
    Apprentice,
    Claim,
    ClaimState,
    Enrolment,
    HsProposal,
    Occupation,
    Organisation,
    Payment,
    Programme,
    Recovery,
    RecoveryState,
)
from portal.money import funds, payment_worklist, payments, recoveries  # noqa: F401
from portal.money.access import claims_for, recoveries_for
from portal.money.payment_forms import FundForm, PaymentForm, RepaymentForm
from portal.web.commit import commit_or_refuse
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, RoleView, RouteTable, current_view

Enterprise = aliased(Organisation, name="enterprise")


@dataclass(frozen=True)
class MoneyView(RoleView):
    shows_enterprise: bool = True
    repays: bool = False  # AP-$4: records repayments


VIEWS = {
    "center": MoneyView(blueprint="center", repays=True),
    "district": MoneyView(blueprint="district", repays=True),
    "enterprise": MoneyView(blueprint="enterprise", shows_enterprise=False),
    # HS-$2: a high-skill host that is an institution or a `host` sees its recovery orders.
    "institution": MoneyView(blueprint="institution", shows_enterprise=False),
    "host": MoneyView(blueprint="host", shows_enterprise=False),
}


# --- Funds (AP-$5) -------------------------------------------------------------------------


def fund_page():
    form = FundForm()
    if request.method == "GET":
        form.year.data = today().year
    if form.validate_on_submit():
        saved = commit_or_refuse(
            lambda: funds.set_available(current_user, form.year.data, form.source.data,
                                        form.available.amount, form.note.data or ""),
            done="资金可用额度已保存。", form=form)
        if saved:
            return redirect(current_view(VIEWS).url("funds"))
    return render_template("money/funds.html", view=current_view(VIEWS), form=form,
                           years=funds.overview((today().year,)),
                           timeline=_fund_timeline())


def _fund_timeline():
    """The latest changes of available amounts (C-AUD), newest first, one query."""
    from sqlalchemy.orm import joinedload

    from portal.models import AuditLog

    return list(db.session.scalars(
        sa.select(AuditLog).options(joinedload(AuditLog.actor))
        .where(AuditLog.object_type == funds.OBJECT_TYPE)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(20)))


# --- Payments (AP-$5, AP-W4) -----------------------------------------------------------------


def _claim_rows(q: sa.Select) -> sa.Select:
    """Each claim with its apprenticeship programme and occupation, or its high-skill project
    (HS-$1), and the claimant, in the same query."""
    return (q.add_columns(Programme, Occupation, HsProposal, Enterprise)
            .outerjoin(Programme, Programme.id == Claim.programme_id)
            .outerjoin(Occupation, Occupation.id == Programme.occupation_id)
            .outerjoin(HsProposal, HsProposal.id == Claim.hs_proposal_id)
            .join(Enterprise, Enterprise.id == Claim.enterprise_id))


# Whitelisted `scheme` filter of the payments due: both programmes, or one of them.
SCHEMES = {"ap": Claim.programme_id.is_not(None), "hs": Claim.hs_proposal_id.is_not(None)}


def payments_due():
    """待拨付: approved claims, oldest decision first, each with its split (3 queries)."""
    view = current_view(VIEWS)
    scheme = request.args.get("scheme", "")
    scheme = scheme if scheme in SCHEMES else ""
    q = claims_for(current_user).where(Claim.state == ClaimState.APPROVED)
    if scheme:
        q = q.where(SCHEMES[scheme])
    page = paginate_rows(_claim_rows(q).order_by(Claim.decided_at, Claim.id))
    day = today()
    year_funds = funds.funds_of_year(day.year) if page.items else {}
    plans = {r.Claim.id: payments.plan_for(r.Claim.payable, day.year, year_funds,
                                           high_skill=r.HsProposal is not None)
             for r in page.items}
    return page_or_block("money/payments.html", "results", view=view, page=page, plans=plans,
                         form=PaymentForm(paid_on=day), today=day, scheme=scheme)


def _claim_row(claim_id: int):
    row = db.session.execute(
        _claim_rows(claims_for(current_user)).where(Claim.id == claim_id)).first()
    if row is None:
        abort(404)
    return row


def pay_claim(claim_id: int):
    """The payment form of one claim; POST records it (AP-$5)."""
    view = current_view(VIEWS)
    claim = get_or_404_for(current_user, Claim, claim_id)
    form = PaymentForm()
    if request.method == "GET":
        form.paid_on.data = today()
    if claim.state == ClaimState.PAID and request.method == "GET":
        payment = payments.payment_of(claim.id)
        return redirect(view.url("payment", payment_id=payment.id))
    if form.validate_on_submit():
        paid = commit_or_refuse(
            lambda: payments.record_payment(current_user, claim, form.paid_on.data,
                                            form.voucher_no.data),
            done=f"已登记{claim.number}的拨付。", form=form)
        if paid:
            return redirect(view.url("payment", payment_id=paid.value.id))
        db.session.refresh(claim)
    day = form.paid_on.data or today()
    plan = payments.payment_plan(claim, day if day <= today() else today())
    return render_template("money/payment_form.html", view=view, row=_claim_row(claim_id),
                           claim=claim, form=form, plan=plan)


def payment_detail(payment_id: int):
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        abort(404)
    claim = get_or_404_for(current_user, Claim, payment.claim_id)
    return render_template("money/payment.html", view=current_view(VIEWS), payment=payment,
                           claim=claim, row=_claim_row(claim.id),
                           parts=payments.parts_of(payment.id),
                           timeline=audit.timeline(payments.OBJECT_TYPE, payment.id))


# --- Recoveries (AP-$4) ----------------------------------------------------------------------

STATES = {"open": RecoveryState.OPEN, "settled": RecoveryState.SETTLED}


def _recovery_rows(q: sa.Select) -> sa.Select:
    """An apprenticeship recovery names its apprentice and programme; a high-skill one
    (HS-$2) its project and host."""
    return (q.add_columns(Apprentice, Programme, Occupation, HsProposal, Enterprise)
            .outerjoin(Enrolment, Enrolment.id == Recovery.enrolment_id)
            .outerjoin(Apprentice, Apprentice.id == Enrolment.apprentice_id)
            .outerjoin(Programme, Programme.id == Recovery.programme_id)
            .outerjoin(Occupation, Occupation.id == Programme.occupation_id)
            .outerjoin(HsProposal, HsProposal.id == Recovery.hs_proposal_id)
            .join(Enterprise, Enterprise.id == Recovery.enterprise_id))


def recovery_filters() -> dict:
    state = request.args.get("state", "open")
    return {"state": state if state in STATES or state == "all" else "open",
            "overdue": request.args.get("overdue") == "1"}


def recovery_list():
    view = current_view(VIEWS)
    filters = recovery_filters()
    day = today()
    q = recoveries_for(current_user)
    if filters["state"] != "all":
        q = q.where(Recovery.state == STATES[filters["state"]])
    if filters["overdue"]:
        q = q.where(Recovery.state == RecoveryState.OPEN, Recovery.due_on < day)
    page = paginate_rows(_recovery_rows(q).order_by(Recovery.due_on, Recovery.id))
    overdue = {r.Recovery.id: recoveries.overdue(r.Recovery, day) for r in page.items}
    return page_or_block("money/recovery_list.html", "results", view=view, page=page,
                         filters=filters, overdue=overdue,
                         states=[("open", "待追回"), ("settled", "已追回")])


def _recovery_page(recovery_id: int, form=None, status_code: int = 200):
    view = current_view(VIEWS)
    row = db.session.execute(
        _recovery_rows(recoveries_for(current_user)).where(Recovery.id == recovery_id)).first()
    if row is None:
        abort(404)
    recovery = row.Recovery
    if form is None and view.repays and can(current_user, "repay", recovery):
        form = RepaymentForm(paid_on=today())
    return render_template("money/recovery.html", view=view, row=row, recovery=recovery,
                           form=form, overdue=recoveries.overdue(recovery),
                           repayments=recoveries.repayments_of(recovery.id),
                           timeline=audit.timeline(recoveries.OBJECT_TYPE, recovery.id)), status_code


def recovery_detail(recovery_id: int):
    return _recovery_page(recovery_id)


def repay(recovery_id: int):
    recovery = get_or_404_for(current_user, Recovery, recovery_id)
    form = RepaymentForm()
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: recoveries.record_repayment(current_user, recovery, form.amount.amount,
                                                form.paid_on.data, form.voucher_no.data),
            done="还款已登记。", form=form)
        if done:
            return redirect(current_view(VIEWS).url("recovery", recovery_id=recovery_id))
    return _recovery_page(recovery_id, form=form)


_RECOVERIES = (
    ("/recoveries", "recoveries", recovery_list, GET),
    ("/recoveries/<int:recovery_id>", "recovery", recovery_detail, GET),
)
_REPAY = (("/recoveries/<int:recovery_id>/repay", "repay_recovery", repay, POST),)
_PAYMENT = (("/payments/<int:payment_id>", "payment", payment_detail, GET),)

ROUTES: RouteTable = {
    "center": _RECOVERIES + _REPAY + _PAYMENT + (
        ("/funds", "funds", fund_page, GET_POST),
        ("/payments", "payments", payments_due, GET),
        ("/payments/claims/<int:claim_id>", "pay_claim", pay_claim, GET_POST),
    ),
    "district": _RECOVERIES + _REPAY + _PAYMENT,
    "enterprise": _RECOVERIES + _PAYMENT,
    "institution": _RECOVERIES,
    "host": _RECOVERIES,
}
