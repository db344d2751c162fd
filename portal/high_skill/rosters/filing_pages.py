"""Filed versions (HS-W5): the host's change form, a project's history with the differences
between versions, and the centre's city-wide list of filings."""

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request
from flask_login import current_user

from portal import rules
from portal.core import spreadsheets
from portal.core.access import visible
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.high_skill.rosters import changes, importer, snapshots
from portal.high_skill.rosters.forms import ChangeForm
from portal.high_skill.rosters.views import load_project, view
from portal.models import FilingKind, HsFiling, HsProposal, Organisation, User
from portal.web.commit import commit_or_refuse
from portal.web.converters import year_arg
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block

CHANGE_TEMPLATE = "high_skill/rosters/change.html"
HISTORY_TEMPLATE = "high_skill/rosters/history.html"
FILINGS_TEMPLATE = "high_skill/rosters/filings.html"
# The list and plan filings; completion filings (HS-W8) belong to the delivery pages.
LIST_KINDS = (FilingKind.LIST_AND_PLAN, FilingKind.CHANGE)


def _change_form(proposal) -> ChangeForm:
    teachers = snapshots.plan_of(proposal, snapshots.teachers_of(proposal.id))["teachers"]
    form = ChangeForm(obj=proposal if request.method == "GET" else None,
                      teachers="\n".join(snapshots.teacher_line(t) for t in teachers)
                      if request.method == "GET" else None)
    form.remove.choices = [(t.id, f"{t.name}（{rules.mask_resident_id(t.resident_id)}）")
                           for t in snapshots.active_trainees(proposal.id)]
    return form


def _additions(form: ChangeForm) -> list:
    upload = request.files.get(form.additions.name)
    if upload is None or not upload.filename:
        return []
    data = spreadsheets.read_upload(upload, current_app.config["UPLOAD_MAX_BYTES"])
    rows = [importer.parse(number, cells) for number, cells in importer.read_sheet(data)]
    problems = [e for row in rows for e in row.errors]
    if problems:
        raise ServiceError("新增学员文件有误：" + "；".join(problems[:5]))
    return [row.data for row in rows]


def _request(form: ChangeForm) -> changes.ChangeRequest:
    teachers, problems = changes.parse_teachers(form.teachers.data)
    if problems:
        raise ServiceError("；".join(problems))
    plan = {key: getattr(form, key).data for key in snapshots.PLAN_LABELS if key != "teachers"}
    return changes.ChangeRequest(reason=form.reason.data.strip(), plan=plan, teachers=teachers,
                                 remove_ids=set(form.remove.data or ()),
                                 additions=_additions(form))


def file_change(proposal_id: int):
    proposal = load_project(proposal_id, "file_change")
    form = _change_form(proposal)
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: changes.file_change(current_user, proposal, _request(form)),
            done="变更已备案", form=form)
        if done:
            return redirect(view().url("hs_list_history", proposal_id=proposal.id))
    return render_template(CHANGE_TEMPLATE, proposal=proposal, form=form, view=view(),
                           ended=proposal.ends_on)


def history(proposal_id: int):
    """Every version with date, who, reason and what changed against the one before."""
    proposal = load_project(proposal_id)
    rows = db.session.execute(
        sa.select(HsFiling, User.display_name)
        .outerjoin(User, User.id == HsFiling.filed_by_id)
        .where(HsFiling.proposal_id == proposal.id, HsFiling.kind.in_(LIST_KINDS))
        .order_by(HsFiling.version)).all()
    versions, before = [], None
    for filing, who in rows:
        versions.append((filing, who, snapshots.diff(before, filing.snapshot)))
        before = filing.snapshot
    return page_or_block(HISTORY_TEMPLATE, "content", proposal=proposal, view=view(),
                         versions=list(reversed(versions)), kinds=FilingKind)


def _filters() -> dict:
    kind = request.args.get("kind", "")
    return {"year": year_arg(),
            "kind": kind if kind in {k.value for k in FilingKind} else ""}


def filings():
    """Centre: every filing city-wide, newest first, by year and kind, one page at a time."""
    filters = _filters()
    projects = visible(HsProposal, current_user).subquery()
    q = (sa.select(HsFiling.id, HsFiling.version, HsFiling.kind, HsFiling.filed_on,
                   HsFiling.late, HsFiling.reason, projects.c.id.label("proposal_id"),
                   projects.c.title, projects.c.year, Organisation.name.label("host"))
         .join(projects, projects.c.id == HsFiling.proposal_id)
         .join(Organisation, Organisation.id == projects.c.host_id))
    if filters["year"]:
        q = q.where(projects.c.year == filters["year"])
    if filters["kind"]:
        q = q.where(HsFiling.kind == filters["kind"])
    page = paginate_rows(q.order_by(HsFiling.filed_at.desc(), HsFiling.id.desc()))
    return page_or_block(FILINGS_TEMPLATE, "results", page=page, filters=filters,
                         kinds=list(FilingKind), view=view())
