"""The host's trainee list of a project (HS-W4): rows with their problems (HS-E1…E3), add,
edit, remove while not yet filed, and the filing of the list and plan. The centre reads."""

from flask import flash, make_response, redirect, render_template
from flask_login import current_user

from portal import rules
from portal.clock import today
from portal.core.access import can
from portal.high_skill.rosters import accounts, services, snapshots
from portal.high_skill.rosters.checks import flagged
from portal.high_skill.rosters.forms import TraineeForm
from portal.high_skill.rosters.views import load_project, load_trainee, view
from portal.web.commit import commit_or_refuse
from portal.web.render import page_or_block

LIST_TEMPLATE = "high_skill/rosters/list.html"
FORM_TEMPLATE = "high_skill/rosters/trainee_form.html"
PASSWORD_TEMPLATE = "high_skill/rosters/password.html"


def _list_context(proposal) -> dict:
    trainees = snapshots.active_trainees(proposal.id)
    day = today()
    problems = services.list_problems(proposal, trainees, day)
    open_list = can(current_user, "edit_trainees", proposal)
    return dict(
        proposal=proposal, view=view(), trainees=trainees, problems=problems,
        flags={t.id: flagged(t.level, t.key_industry) for t in trainees},
        level_labels=rules.LEVEL_LABELS, open_list=open_list,
        due=services.filing_due(proposal.starts_on),
        overdue=bool(rules.hs_list_filing_problems(day, proposal.starts_on)),
        blocking=services.filing_problems(proposal, trainees, day) if open_list else [],
    )


def trainee_list(proposal_id: int):
    proposal = load_project(proposal_id)
    return page_or_block(LIST_TEMPLATE, "content", **_list_context(proposal))


def _form_page(proposal, form, trainee=None):
    return render_template(FORM_TEMPLATE, proposal=proposal, form=form, trainee=trainee,
                           view=view())


def add_trainee(proposal_id: int):
    proposal = load_project(proposal_id)
    if not can(current_user, "edit_trainees", proposal):
        return locked(proposal)
    form = TraineeForm()
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: services.add_trainee(current_user, proposal, form.data_object()),
            done="已加入学员名单", form=form)
        if done:
            return redirect(view().url("hs_list", proposal_id=proposal.id))
    return _form_page(proposal, form)


def edit_trainee(trainee_id: int):
    trainee, proposal = load_trainee(trainee_id)
    if not can(current_user, "edit_trainees", proposal):
        return locked(proposal)
    form = TraineeForm(obj=trainee, current=trainee)
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: services.update_trainee(current_user, trainee, form.data_object()),
            done="学员信息已保存", form=form)
        if done:
            return redirect(view().url("hs_list", proposal_id=proposal.id))
    return _form_page(proposal, form, trainee)


def remove_trainee(trainee_id: int):
    trainee, proposal = load_trainee(trainee_id)
    name = trainee.name
    commit_or_refuse(lambda: services.remove_trainee(current_user, trainee),
                     done=f"已将 {name} 从名单删除")
    return redirect(view().url("hs_list", proposal_id=proposal.id))


def file_list(proposal_id: int):
    proposal = load_project(proposal_id)
    commit_or_refuse(lambda: services.file_list(current_user, proposal),
                     done="学员名单和培训计划已备案")
    return redirect(view().url("hs_list", proposal_id=proposal.id))


def locked(proposal):
    """HS-W5: a filed list is not edited directly; say so rather than a bare 403."""
    flash(services.FILED_LIST_LOCKED if proposal.filed_version else services.NOT_APPROVED,
          "error")
    return redirect(view().url("hs_list", proposal_id=proposal.id))


def initial_password(trainee_id: int):
    """生成初始密码: shown once in this response, never cached, stored only as a hash."""
    trainee, proposal = load_trainee(trainee_id)
    issued = commit_or_refuse(
        lambda: accounts.issue_initial_password(current_user, trainee, proposal))
    if not issued:
        return redirect(view().url("hs_list", proposal_id=proposal.id))
    response = make_response(render_template(PASSWORD_TEMPLATE, proposal=proposal,
                                             trainee=trainee, issued=issued.value, view=view()))
    response.headers["Cache-Control"] = "private, no-store"
    return response
