"""HS-W3 pages of the expert (phone-friendly): my assignments, one proposal read-only with
the scoring form, editable until the centre decides. Nobody else's proposal is in reach:
`proposals_for` limits an expert to assigned proposals (others answer 404)."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from portal.core.access import can, get_or_404_for
from portal.extensions import db
from portal.high_skill.proposals.services import HOURS_LABELS
from portal.high_skill.review import rubric, services, summary
from portal.high_skill.review.access import assignment_of, conflicted, my_assignments
from portal.high_skill.review.forms import score_form
from portal.models import HsAssignment, HsCall, HsProposal, Organisation, ProposalState
from portal.rules.high_skill import hs_rubric_problems
from portal.web.commit import commit_or_refuse
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.worklist import worklist_for

LIST_TEMPLATE = "high_skill/review/assignments.html"
SCORE_TEMPLATE = "high_skill/review/score.html"
SHOWS = {"todo": "待评分", "scored": "已评分", "all": "全部"}


def assignment_list():
    """The expert's assignments; "todo" = not yet scored while the proposal is open."""
    show = request.args.get("show", "todo")
    show = show if show in SHOWS else "todo"
    q = (my_assignments(current_user).add_columns(Organisation.name.label("host_name"))
         .join(Organisation, Organisation.id == HsProposal.host_id))
    if show == "todo":
        q = q.where(HsAssignment.scored_at.is_(None),
                    HsProposal.state == ProposalState.SUBMITTED)
    elif show == "scored":
        q = q.where(HsAssignment.scored_at.is_not(None))
    page = paginate_rows(q.order_by(HsAssignment.assigned_at, HsAssignment.id))
    return page_or_block(LIST_TEMPLATE, "results", page=page, show=show, shows=SHOWS,
                         work=worklist_for(current_user))


def _page(proposal: HsProposal, form, status_code: int = 200):
    assignment = assignment_of(current_user, proposal)
    return page_or_block(
        SCORE_TEMPLATE, "content", status_code=status_code, proposal=proposal, form=form,
        assignment=assignment, host=_host_name(proposal), call=_call(proposal), hours_flag=summary.hours_flag(proposal),
        teachers=summary.teachers(proposal), editable=can(current_user, "score", proposal),
        conflict=conflicted(current_user, proposal), hours_labels=HOURS_LABELS)


def _host_name(proposal: HsProposal) -> str:
    return db.session.get(Organisation, proposal.host_id).name


def _call(proposal: HsProposal):
    return db.session.get(HsCall, proposal.call_id)


def score(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    assignment = assignment_of(current_user, proposal)
    active = rubric.criteria(active_only=True)
    if hs_rubric_problems([c.weight for c in active]):
        active = []  # the page says the rubric is incomplete; nothing can be scored
    data = {f"c{key}": value for key, value in (assignment.scores or {}).items()}
    form = score_form(active, data={**data, "opinion": assignment.opinion})
    if request.method == "POST" and form.validate_on_submit():
        saved = commit_or_refuse(
            lambda: services.score(current_user, assignment, form.scores(), form.opinion.data),
            form=form, flash_error=False)
        if saved:
            flash(f"评分已保存，加权总分{saved.value}分。", "success")
            return redirect(url_for("expert.hs_score", proposal_id=proposal_id))
    return _page(proposal, form)
