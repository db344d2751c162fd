"""HS-W3 pages of the centre: the queue of proposals under review, one proposal's review
(experts assigned, their scores side by side, the decision with the quota). The rubric's
pages and the expert's pages are in their own modules; all routes are listed here."""

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_login import current_user

from portal.catalogue.parameters import parameters_on
from portal.clock import today
from portal.core import audit
from portal.core.access import can, get_or_404_for
from portal.extensions import db
from portal.high_skill.access import proposals_for
from portal.high_skill.proposals.services import HOURS_LABELS
from portal.high_skill.review import expert_pages, rubric_pages, services, summary
from portal.high_skill.review import quota as tally
from portal.high_skill.review import worklist as _worklist  # noqa: F401  (registers the kinds)
from portal.high_skill.review.access import assignable_experts
from portal.high_skill.review.forms import ApproveForm, AssignForm, RejectForm
from portal.models import HsAssignment, HsCall, HsProposal, Organisation, ProposalState, User
from portal.rules.parameters import param
from portal.web.commit import commit_or_refuse
from portal.web.converters import year_arg
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, POST, RouteTable

QUEUE_TEMPLATE = "high_skill/review/queue.html"
REVIEW_TEMPLATE = "high_skill/review/review.html"
DECIDED_STATES = (ProposalState.APPROVED, ProposalState.REJECTED, ProposalState.FILED,
                  ProposalState.COMPLETED)
# stage → what the queue shows (the worklist links to "ready" and "unassigned").
STAGES = {"submitted": "全部待评审", "unassigned": "待分配专家", "scoring": "评分中",
          "ready": "评分已齐待决定", "decided": "已决定"}
ACTION_LABELS = {"submit": "提交方案", "assign_expert": "分配评审专家",
                 "unassign_expert": "取消评审专家", "score": "专家评分", "rescore": "专家修改评分",
                 "approve": "立项", "reject": "不予立项"}


def assignment_counts() -> sa.Subquery:
    """Assigned and scored experts per proposal, as one grouped subquery to join."""
    return (sa.select(HsAssignment.proposal_id.label("proposal_id"),
                      sa.func.count().label("assigned"),
                      sa.func.count(HsAssignment.scored_at).label("scored"))
            .group_by(HsAssignment.proposal_id).subquery("counts"))


def _stage_filter(q: sa.Select, stage: str, counts) -> sa.Select:
    assigned = sa.func.coalesce(counts.c.assigned, 0)
    scored = sa.func.coalesce(counts.c.scored, 0)
    if stage == "decided":
        return q.where(HsProposal.state.in_(DECIDED_STATES))
    q = q.where(HsProposal.state == ProposalState.SUBMITTED)
    if stage == "unassigned":
        return q.where(assigned == 0)
    if stage == "scoring":
        return q.where(assigned > 0, scored < assigned)
    if stage == "ready":
        return q.where(assigned > 0, scored == assigned)
    return q


def queue_filters() -> dict:
    stage = request.args.get("stage", "submitted")
    return {"stage": stage if stage in STAGES else "submitted",
            "year": year_arg(),
            "q": request.args.get("q", "").strip()[:32]}


def review_queue():
    """HS-W3: proposals to review, oldest submission first, with experts assigned/scored."""
    filters = queue_filters()
    counts = assignment_counts()
    q = (proposals_for(current_user)
         .add_columns(Organisation.name.label("host_name"),
                      sa.func.coalesce(counts.c.assigned, 0).label("assigned"),
                      sa.func.coalesce(counts.c.scored, 0).label("scored"))
         .join(Organisation, Organisation.id == HsProposal.host_id)
         .outerjoin(counts, counts.c.proposal_id == HsProposal.id))
    q = _stage_filter(q, filters["stage"], counts)
    if filters["year"]:
        q = q.where(HsProposal.year == filters["year"])
    if filters["q"]:
        q = q.where(HsProposal.title.contains(filters["q"], autoescape=True))
    page = paginate_rows(q.order_by(HsProposal.submitted_at, HsProposal.id))
    flags = {r.HsProposal.id: bool(summary.hours_flag(r.HsProposal)) for r in page.items}
    return page_or_block(QUEUE_TEMPLATE, "results", page=page, filters=filters, stages=STAGES,
                         flags=flags)


def _review_page(proposal: HsProposal, *, approve_form=None, reject_form=None,
                 status_code: int = 200):
    params = parameters_on(today())
    experts = db.session.execute(
        assignable_experts(proposal).with_only_columns(User.id, User.display_name)).all()
    return page_or_block(
        REVIEW_TEMPLATE, "content", status_code=status_code, proposal=proposal,
        host=db.session.get(Organisation, proposal.host_id),
        call=db.session.get(HsCall, proposal.call_id),
        summary=summary.review_summary(proposal), hours_flag=summary.hours_flag(proposal),
        teachers=summary.teachers(proposal),
        assign_form=AssignForm(experts=[(i, name) for i, name in experts]),
        approve_form=approve_form or ApproveForm(data={"quota": proposal.planned_trainees}),
        reject_form=reject_form or RejectForm(),
        approved=tally.approved_in(proposal.year), remaining=tally.remaining_in(proposal.year,
                                                                               params),
        cap=param(params, "hs_annual_cap"),
        hours_labels=HOURS_LABELS,
        timeline=audit.timeline(services.OBJECT_TYPE, proposal.id), action_labels=ACTION_LABELS,
    )


def _back(proposal_id: int):
    return redirect(url_for("center.hs_review", proposal_id=proposal_id))


def _refused_or_back(outcome, proposal_id: int):
    if not outcome:
        flash(outcome.error, "error")
    return _back(proposal_id)


def review(proposal_id: int):
    return _review_page(get_or_404_for(current_user, HsProposal, proposal_id))


def assign(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    form = AssignForm()
    if form.validate_on_submit():
        expert = db.session.get(User, form.expert_id.data)
        commit_or_refuse(lambda: services.assign(current_user, proposal, expert),
                         done="已分配评审专家。")
    else:
        flash("；".join(form.expert_id.errors) or "请求已过期，请刷新后重试", "error")
    return _back(proposal_id)


def unassign(proposal_id: int, assignment_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    assignment = db.get_or_404(HsAssignment, assignment_id)
    commit_or_refuse(lambda: services.unassign(current_user, proposal, assignment),
                     done="已取消该专家的评审任务。")
    return _back(proposal_id)


def approve(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    form = ApproveForm()
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: services.approve(current_user, proposal, form.quota.data,
                                     form.comment.data or ""),
            done=f"已立项，核定研修人数{form.quota.data}人。", form=form)
        if done or not can(current_user, "approve", proposal):
            # Decided meanwhile: the page no longer shows the form, so the refusal is flashed.
            return _refused_or_back(done, proposal_id)
    return _review_page(proposal, approve_form=form)


def reject(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    form = RejectForm()
    if form.validate_on_submit():
        done = commit_or_refuse(lambda: services.reject(current_user, proposal,
                                                        form.reason.data),
                                done="已决定不予立项。", form=form)
        if done or not can(current_user, "reject", proposal):
            return _refused_or_back(done, proposal_id)
    return _review_page(proposal, reject_form=form)


ROUTES: RouteTable = {
    "center": (
        ("/hs/review", "hs_review_queue", review_queue, GET),
        ("/hs/review/<int:proposal_id>", "hs_review", review, GET),
        ("/hs/review/<int:proposal_id>/assign", "hs_assign_expert", assign, POST),
        ("/hs/review/<int:proposal_id>/assignments/<int:assignment_id>/remove",
         "hs_unassign_expert", unassign, POST),
        ("/hs/review/<int:proposal_id>/approve", "hs_approve_proposal", approve, POST),
        ("/hs/review/<int:proposal_id>/reject", "hs_reject_proposal", reject, POST),
        ("/hs/rubric", "hs_rubric", rubric_pages.rubric_settings, GET_POST),
        ("/hs/rubric/default", "hs_rubric_default", rubric_pages.load_default, POST),
    ),
    "expert": (
        ("/hs/assignments", "hs_assignments", expert_pages.assignment_list, GET),
        ("/hs/assignments/<int:proposal_id>", "hs_score", expert_pages.score, GET_POST),
    ),
}
