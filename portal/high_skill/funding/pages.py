"""Funding, certificates and checks of completed high-skill projects (HS-W9, HS-W10, HS-$1,
HS-$2): the host claims, the centre reviews, issues certificates and records checks.
Payment and repayment are the shared money pages (center.pay_claim, center.recovery)."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, redirect, request
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.clock import today
from portal.core import audit
from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.access import proposals_for
from portal.high_skill.funding import access as _access  # noqa: F401  (registers actions)
from portal.high_skill.funding import certificates, checks, claims
from portal.high_skill.funding import worklist as _worklist  # noqa: F401  (registers kinds)
from portal.high_skill.funding.forms import CheckForm
from portal.high_skill.funding.roster import filed_roster
from portal.models import Claim, ClaimState, HsCheck, HsProposal, Organisation, ProposalState
from portal.money import payments
from portal.money.access import claims_for
from portal.web import review as review_actions
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int_or_none
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, RoleView, RouteTable, current_view

T = "high_skill/funding/"
EVENT = "hsClaimReviewed"
Host = aliased(Organisation, name="host")
# What a high-skill claim's state means to its readers (no district step, HS-$1).
STATE_LABELS = {ClaimState.SUBMITTED: "待市级审核"}


def state_label(state: ClaimState) -> str:
    return STATE_LABELS.get(state, state.label)


@dataclass(frozen=True)
class FundingView(RoleView):
    centre: bool = False


VIEWS = {"center": FundingView("center", centre=True),
         **{name: FundingView(name) for name in HOST_BLUEPRINTS}}


# --- Projects ------------------------------------------------------------------------------


def project_list():
    """Completed projects with their claim (one per project), in one query."""
    view = current_view(VIEWS)
    todo = request.args.get("todo") == "1"
    q = (proposals_for(current_user).where(HsProposal.state == ProposalState.COMPLETED)
         .add_columns(Claim, Host)
         .outerjoin(Claim, Claim.hs_proposal_id == HsProposal.id)
         .join(Host, Host.id == HsProposal.host_id))
    if todo:
        q = q.where(Claim.id.is_(None))
    page = paginate_rows(q.order_by(HsProposal.year.desc(), HsProposal.id.desc()))
    return page_or_block(T + "projects.html", "results", view=view, page=page, todo=todo,
                         state_label=state_label)


def _project_page(proposal: HsProposal, form=None, status_code: int = 200):
    view = current_view(VIEWS)
    host = db.session.get(Organisation, proposal.host_id)
    if form is None and view.centre:
        form = CheckForm(checked_on=today())
    claim = claims.claim_of(proposal.id)
    return page_or_block(
        T + "project.html", "content", status_code=status_code, view=view,
        proposal=proposal, host=host, roster=filed_roster(proposal.id), claim=claim,
        blocker=None if view.centre else claims.claim_blocker(current_user, proposal),
        amount=claims.funding_for(proposal.id, today()), rate=claims.rate_today(),
        issued=certificates.certificates_of(proposal.id), checks=checks.checks_of(proposal.id),
        payment=payments.payment_of(claim.id) if claim else None, form=form,
        state_label=state_label)


def project(proposal_id: int):
    return _project_page(get_or_404_for(current_user, HsProposal, proposal_id))


def _back(proposal_id: int):
    return redirect(current_view(VIEWS).url("hs_funding_project", proposal_id=proposal_id))


def create_claim(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    made = commit_or_refuse(lambda: claims.create_claim(current_user, proposal),
                            done="已生成研修经费申请草稿，请核对人数和金额后提交。")
    if made:
        return redirect(current_view(VIEWS).url("hs_funding_claim", claim_id=made.value.id))
    return _back(proposal_id)


def issue_certificates(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    done = commit_or_refuse(lambda: certificates.issue_certificates(current_user, proposal))
    if done:
        flash(f"已发放结业证书{done.value.issued}本"
              + (f"，{done.value.already}人此前已发证" if done.value.already else "") + "。",
              "success")
    return _back(proposal_id)


def issue_certificate(proposal_id: int):
    """HS-W9: one trainee of the roster (a certificate missing after a correction)."""
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    trainee_id = db_int_or_none(request.form.get("trainee_id"))
    if trainee_id is None:
        abort(400)
    commit_or_refuse(lambda: certificates.issue_for_trainee(current_user, proposal, trainee_id),
                     done="结业证书已发放。")
    return _back(proposal_id)


def record_check(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    form = CheckForm()
    if form.validate_on_submit():
        done = commit_or_refuse(lambda: checks.record_check(
            current_user, proposal, kind=form.kind.data, result=form.result.data,
            checked_on=form.checked_on.data, auditor=form.auditor.data or "",
            findings=form.findings.data or ""), done="检查结果已登记。", form=form)
        if done:
            return _back(proposal_id)
    return _project_page(proposal, form=form, status_code=422)


# --- Claims ----------------------------------------------------------------------------------


def _claim_rows(q: sa.Select) -> sa.Select:
    return (q.where(Claim.hs_proposal_id.is_not(None)).add_columns(HsProposal, Host)
            .join(HsProposal, HsProposal.id == Claim.hs_proposal_id)
            .join(Host, Host.id == Claim.enterprise_id))


def _state_filter() -> str:
    state = request.args.get("state", ClaimState.SUBMITTED.value)
    return state if state in {s.value for s in ClaimState} | {"all"} else "all"


def claim_list():
    """The centre's queue of high-skill claims (default: awaiting review), one query."""
    view = current_view(VIEWS)
    state = _state_filter()
    q = _claim_rows(claims_for(current_user))
    counts = dict(db.session.execute(
        q.with_only_columns(Claim.state, sa.func.count()).group_by(Claim.state)).all())
    if state != "all":
        q = q.where(Claim.state == state)
    page = paginate_rows(q.order_by(Claim.submitted_at, Claim.id))
    return page_or_block(T + "claims.html", "results", view=view, page=page, state=state,
                         counts=counts, states=list(ClaimState), state_label=state_label)


def _claim_row(claim_id: int):
    row = db.session.execute(_claim_rows(claims_for(current_user))
                             .where(Claim.id == claim_id)).first()
    if row is None:
        abort(404)
    return row


def claim_detail(claim_id: int):
    view = current_view(VIEWS)
    row = _claim_row(claim_id)
    return page_or_block(T + "claim.html", "content", view=view, row=row, claim=row.Claim,
                         payment=payments.payment_of(claim_id), state_label=state_label,
                         timeline=audit.timeline("claim", claim_id))


def submit_claim(claim_id: int):
    claim = get_or_404_for(current_user, Claim, claim_id)
    if claim.hs_proposal_id is None:
        abort(404)
    commit_or_refuse(lambda: claims.submit(current_user, claim),
                     done="研修经费申请已提交市就业促进中心审核。")
    return redirect(current_view(VIEWS).url("hs_funding_claim", claim_id=claim_id))


def review_claim(claim_id: int):
    """C-REV: approve, return or reject, inline in the queue or on the claim's page."""
    view = current_view(VIEWS)
    claim = get_or_404_for(current_user, Claim, claim_id)
    if claim.hs_proposal_id is None:
        abort(404)
    return review_actions.decide(
        claims.review, claim, label=claim.number, event=EVENT,
        render_row=lambda error: page_or_block(
            T + "claims.html", "row", r=_claim_row(claim_id), view=view, row_error=error,
            state_label=state_label),
        detail_url=view.url("hs_funding_claim", claim_id=claim_id), list_url=view.url("hs_funding_claims"))


# --- Checks (HS-W10) -------------------------------------------------------------------------


def check_list():
    """City-wide checks and audits, newest first, with project and host (one query)."""
    view = current_view(VIEWS)
    result = request.args.get("result", "")
    q = (sa.select(HsCheck, HsProposal, Host)
         .join(HsProposal, HsProposal.id == HsCheck.proposal_id)
         .join(Host, Host.id == HsProposal.host_id)
         .where(HsProposal.id.in_(proposals_for(current_user)
                                  .with_only_columns(HsProposal.id))))
    if result in {"clear", "problems", "fraud"}:
        q = q.where(HsCheck.result == result)
    page = paginate_rows(q.order_by(HsCheck.checked_on.desc(), HsCheck.id.desc()))
    return page_or_block(T + "checks.html", "results", view=view, page=page, result=result)


_HOST = (
    ("/hs/funding", "hs_funding_projects", project_list, GET),
    ("/hs/funding/projects/<int:proposal_id>", "hs_funding_project", project, GET),
    ("/hs/funding/projects/<int:proposal_id>/claim", "hs_funding_new_claim", create_claim, POST),
    ("/hs/funding/claims/<int:claim_id>", "hs_funding_claim", claim_detail, GET),
    ("/hs/funding/claims/<int:claim_id>/submit", "hs_funding_submit", submit_claim, POST),
)
ROUTES: RouteTable = {
    **{name: _HOST for name in HOST_BLUEPRINTS},
    "center": (
        ("/hs/funding", "hs_funding_projects", project_list, GET),
        ("/hs/funding/projects/<int:proposal_id>", "hs_funding_project", project, GET),
        ("/hs/funding/projects/<int:proposal_id>/certificates", "hs_funding_certificates",
         issue_certificates, POST),
        ("/hs/funding/projects/<int:proposal_id>/certificate", "hs_funding_certificate",
         issue_certificate, POST),
        ("/hs/funding/projects/<int:proposal_id>/checks", "hs_funding_check", record_check,
         POST),
        ("/hs/funding/claims", "hs_funding_claims", claim_list, GET),
        ("/hs/funding/claims/<int:claim_id>", "hs_funding_claim", claim_detail, GET),
        ("/hs/funding/claims/<int:claim_id>/review", "hs_funding_review", review_claim, POST),
        ("/hs/funding/checks", "hs_funding_checks", check_list, GET),
    ),
}
