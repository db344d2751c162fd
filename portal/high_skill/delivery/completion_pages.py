"""The host's HS-P5 uploads on a trainee's behalf, the HS-W7 assessment and the HS-W8
completion filing with its annex-3 roster; the centre's list of completion filings."""

from urllib.parse import quote

import sqlalchemy as sa
from flask import abort, make_response, redirect, request
from flask_login import current_user

from portal import clock
from portal.core import audit
from portal.extensions import db
from portal.high_skill.access import owns, proposals_for
from portal.high_skill.delivery import assessment, completion, sessions, summaries
from portal.high_skill.delivery.forms import AssessmentForm, CompletionForm, SummaryForm
from portal.high_skill.delivery.roster_export import XLSX, roster_xlsx
from portal.high_skill.delivery.views import VIEWS, load_project, load_trainee
from portal.models import Document, FilingKind, HsFiling, HsProposal, Organisation
from portal.rules.high_skill import HS_ASSESSMENT_CRITERIA, hs_days_late, hs_filing_deadline
from portal.web.commit import commit_or_refuse
from portal.web.converters import year_arg
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import current_view

from . import session_pages

LATE_FILTERS = {"1": "逾期报送", "0": "按期报送"}


# --- HS-P5: the host uploads on a trainee's behalf --------------------------------------


@summaries.documents.accepts(*summaries.SUMMARY_MEDIA)
def upload_summary(proposal_id: int, trainee_id: int):
    project = load_project(proposal_id, "upload_summary")
    trainee = load_trainee(project, trainee_id)
    form = SummaryForm()
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: summaries.upload_summary(current_user, trainee, form.summary.data),
            done=f"已上传{trainee.name}的工作总结。", flash_error=False)
        if done:
            return redirect(current_view(VIEWS).url("hs_delivery", proposal_id=proposal_id)
                            + f"#trainee-{trainee_id}")
        form.summary.errors.append(done.error)
    return session_pages.delivery_page(proposal_id, summary_errors={trainee_id: form.summary.errors})


def summary_file(proposal_id: int, trainee_id: int):
    """A trainee's summary, for the host and the centre."""
    project = load_project(proposal_id)
    trainee = load_trainee(project, trainee_id)
    doc = db.session.get(Document, trainee.summary_document_id or 0)
    if doc is None:
        return make_response("未上传工作总结", 404)
    return summaries.send(doc)


# --- HS-W7 ------------------------------------------------------------------------------


def assess_page(proposal_id: int, trainee_id: int):
    view = current_view(VIEWS)
    project = load_project(proposal_id, "assess")
    trainee = load_trainee(project, trainee_id)
    [attended] = sessions.attendance_of(project.id, [trainee.id])
    form = AssessmentForm()
    if request.method == "GET":
        for key, value in assessment.scores_of(trainee).items():
            form[f"score_{key}"].data = value
        if trainee.score_attendance is None:  # pre-filled from the check-ins
            form.score_attendance.data = assessment.PASS if attended.passes else assessment.FAIL
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: assessment.assess(current_user, trainee, form.scores(), form.comments(),
                                      clock.today()),
            form=form)
        if done:
            return redirect(view.url("hs_delivery", proposal_id=proposal_id)
                            + f"#trainee-{trainee_id}")
    return page_or_block("high_skill/delivery/assess.html", "content", view=view,
                         project=project, trainee=trainee, attended=attended, form=form,
                         is_open=assessment.is_open(project, clock.today()),
                         criteria=HS_ASSESSMENT_CRITERIA)


# --- HS-W8 ------------------------------------------------------------------------------


def completion_page(proposal_id: int):
    view = current_view(VIEWS)
    project = load_project(proposal_id)
    filing = completion.completion_filing(project.id)
    form = CompletionForm()
    today = clock.today()
    if request.method == "POST" and filing is None and form.validate_on_submit():
        done = commit_or_refuse(
            lambda: completion.file_completion(current_user, project, form.summary.data,
                                               form.summary_file.data, today),
            done="结业备案已报送。", form=form)
        if done:
            return redirect(view.url("hs_completion", proposal_id=proposal_id))
    trainees = list(db.session.scalars(sessions.listed(project.id)))
    passed, failed, unassessed = completion.split(trainees)
    return page_or_block(
        "high_skill/delivery/completion.html", "content", view=view, project=project,
        filing=filing, form=form, passed=passed, failed=failed, unassessed=unassessed,
        deadline=hs_filing_deadline(project.ends_on), today=today,
        days_late=hs_days_late(project.ends_on, filing.filed_on if filing else today),
        blockers=completion.refusals(project, today, len(unassessed)))


def _roster_response(project: HsProposal, roster: list[dict], filed: bool):
    host = db.session.get(Organisation, project.host_id)
    mask = not owns(current_user, project)
    snapshot_project = {"title": project.title, "starts_on": project.starts_on.isoformat(),
                        "ends_on": project.ends_on.isoformat(),
                        "total_hours": project.total_hours}
    data = roster_xlsx(snapshot_project, host.name, roster, mask_ids=mask)
    # C-PII: a roster with whole ID numbers leaves the portal only on the record.
    audit.record(current_user, completion.OBJECT_TYPE, project.id, "export_roster",
                 comment=f"{'已备案' if filed else '预览'}结业名册 {len(roster)} 人"
                         + ("" if mask else "（含完整身份证号）"))
    db.session.commit()
    response = make_response(data)
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = (
        f"attachment; filename=roster-{project.id}.xlsx; "
        f"filename*=UTF-8''{quote(f'结业名册-{project.title}.xlsx')}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def roster_xlsx_page(proposal_id: int):
    """Annex 3: the filed roster, or (before filing) the roster as it stands."""
    project = load_project(proposal_id)
    filing = completion.completion_filing(project.id)
    if filing is not None:
        return _roster_response(project, filing.snapshot["roster"], filed=True)
    if not owns(current_user, project):
        abort(404)  # the centre sees a roster once it is filed
    passed, _failed, _open = completion.split(list(db.session.scalars(
        sessions.listed(project.id))))
    return _roster_response(project, [completion.entry(t) for t in passed], filed=False)


# --- the centre -------------------------------------------------------------------------


def filings_page():
    """Completion filings, late ones flagged with their days late (HS-W8)."""
    view = current_view(VIEWS)
    q = (sa.select(HsFiling, HsProposal, Organisation.name)
         .join(HsProposal, HsProposal.id == HsFiling.proposal_id)
         .join(Organisation, Organisation.id == HsProposal.host_id)
         .where(HsFiling.kind == FilingKind.COMPLETION,
                HsProposal.id.in_(proposals_for(current_user).with_only_columns(HsProposal.id))))
    late = request.args.get("late", "")
    if late in LATE_FILTERS:
        q = q.where(HsFiling.late.is_(late == "1"))
    else:
        late = ""
    year = year_arg()
    if year:
        q = q.where(HsProposal.year == year)
    page = paginate_rows(q.order_by(HsFiling.filed_at.desc(), HsFiling.id.desc()))
    return page_or_block("high_skill/delivery/filings.html", "results", view=view, page=page,
                         late=late, late_filters=LATE_FILTERS, year=year, days_late=hs_days_late)
