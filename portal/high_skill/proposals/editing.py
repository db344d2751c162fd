"""The host's proposal pages (HS-W2): a draft from an open call, its annex-1 form with the
live HS-P4 check, its teachers (HS-P3), submission (HS-H2…) and withdrawal."""

from flask import flash, redirect, request
from flask_login import current_user

from portal import clock
from portal.core.access import can, get_or_404_for
from portal.extensions import db, htmx
from portal.high_skill.calls import services as calls
from portal.high_skill.proposals import services as proposals
from portal.high_skill.proposals.forms import ProposalForm, TeacherForm
from portal.high_skill.proposals.views import VIEWS
from portal.models import HsCall, HsProposal
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int
from portal.web.live_check import require_fragment_request
from portal.web.render import page_or_block, toast
from portal.web.routes import current_view

FORM = "high_skill/proposals/form.html"


def _form_page(form: ProposalForm, call: HsCall, proposal: HsProposal | None = None):
    view = current_view(VIEWS)
    teachers = proposals.teachers_of(proposal.id) if proposal else []
    return page_or_block(
        FORM, "content", view=view, form=form, call=call, proposal=proposal,
        hours=form.hours(), teachers=teachers, teacher_form=TeacherForm(prefix="teacher"),
        counted=proposals.submitted_this_year(current_user.org_id, call.year))


def new():
    """Pick an open call (no call chosen yet), then the annex-1 form for it."""
    view = current_view(VIEWS)
    call_id = request.args.get("call_id", type=db_int)
    call = db.session.get(HsCall, call_id) if call_id else None
    if call is None:
        return page_or_block("high_skill/proposals/new.html", "content", view=view,
                             calls=calls.open_calls(clock.today()))
    if not calls.call_is_open(call, clock.today()):
        flash(f"该征集通知的申报期为 {call.opens_on} 至 {call.closes_on}，当前不在申报期内"
              "（规则 HS-W2）", "error")
        return redirect(view.url("new_hs_proposal"))
    form = ProposalForm(call)
    if form.validate_on_submit():
        saved = commit_or_refuse(
            lambda: proposals.create_draft(current_user, call, form.plan_data()), form=form)
        if saved:
            flash("实施方案已保存为草稿。请添加授课教师，确认无误后提交。", "success")
            return redirect(view.url("edit_hs_proposal", proposal_id=saved.value.id))
    return _form_page(form, call)


def _editable(proposal_id: int):
    view = current_view(VIEWS)
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    if not can(current_user, "edit", proposal):
        flash("该实施方案已提交，不能修改", "error")
        return None, redirect(view.url("hs_proposal", proposal_id=proposal_id))
    return proposal, None


def edit(proposal_id: int):
    proposal, refused = _editable(proposal_id)
    if refused:
        return refused
    call = db.session.get(HsCall, proposal.call_id)
    data = None if request.method == "POST" else proposals.data_of(proposal)
    form = ProposalForm(call, data=data)
    if form.validate_on_submit():
        saved = commit_or_refuse(
            lambda: proposals.update_draft(current_user, proposal, form.plan_data()), form=form)
        if saved:
            flash("修改已保存。", "success")
            return redirect(current_view(VIEWS).url("hs_proposal", proposal_id=proposal_id))
    return _form_page(form, call, proposal)


def _hours_typed() -> dict:
    values = {}
    for name in proposals.HOURS_FIELDS:
        raw = request.form.get(name, "").strip()
        values[name] = int(raw) if raw.lstrip("-").isdigit() and len(raw) <= 6 else None
    return values


def check_hours():
    """HS-P4 live: total, seminar + exchange, the flag and whether a reason is needed."""
    require_fragment_request()
    return page_or_block(FORM, "hours_check", hours=proposals.hours_check(_hours_typed()))


def _teachers_answer(proposal: HsProposal, form: TeacherForm, message: str | None = None):
    """htmx: the teachers block again (with a toast); without JS back to the edit page."""
    view = current_view(VIEWS)
    if not htmx:
        return redirect(view.url("edit_hs_proposal", proposal_id=proposal.id))
    response = page_or_block(FORM, "teachers", view=view, proposal=proposal, teacher_form=form,
                             teachers=proposals.teachers_of(proposal.id))
    return toast(response, message) if message else response


def add_teacher(proposal_id: int):
    proposal, refused = _editable(proposal_id)
    if refused:
        return refused
    form = TeacherForm(prefix="teacher")
    if form.validate_on_submit():
        saved = commit_or_refuse(
            lambda: proposals.add_teacher(current_user, proposal, form.teacher_data()),
            form=form)
        if saved:
            return _teachers_answer(proposal, TeacherForm(prefix="teacher", formdata=None),
                                    "已添加授课教师")
    elif not htmx:
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
    return _teachers_answer(proposal, form)


def remove_teacher(proposal_id: int, teacher_id: int):
    proposal, refused = _editable(proposal_id)
    if refused:
        return refused
    commit_or_refuse(lambda: proposals.remove_teacher(current_user, proposal, teacher_id))
    return _teachers_answer(proposal, TeacherForm(prefix="teacher", formdata=None),
                            "已删除授课教师")


def submit(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    commit_or_refuse(lambda: proposals.submit(current_user, proposal),
                     done="实施方案已提交市就业促进中心，等待专家评审。")
    return redirect(current_view(VIEWS).url("hs_proposal", proposal_id=proposal_id))


def withdraw(proposal_id: int):
    proposal = get_or_404_for(current_user, HsProposal, proposal_id)
    comment = request.form.get("comment", "")[:500]
    commit_or_refuse(lambda: proposals.withdraw(current_user, proposal, comment),
                     done="实施方案已撤回，不计入本年度申报数。")
    return redirect(current_view(VIEWS).url("hs_proposal", proposal_id=proposal_id))
