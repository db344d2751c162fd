"""The trainee's phone pages of a high-skill project (checkin blueprint, /m/): the work
summary (HS-P5) to upload or replace until the completion filing, and its download."""

from flask import abort, make_response, redirect
from flask_login import current_user

from portal.extensions import db
from portal.high_skill.delivery import sessions, summaries
from portal.high_skill.delivery.forms import SummaryForm
from portal.models import Document
from portal.web.commit import commit_or_refuse
from portal.web.render import page_or_block
from portal.web.routes import fast_url


def _mine(trainee_id: int):
    found = summaries.my_listing(current_user, trainee_id)
    if found is None:
        abort(404)
    return found


@summaries.documents.accepts(*summaries.SUMMARY_MEDIA)
def summary_page(trainee_id: int):
    trainee, project = _mine(trainee_id)
    form = SummaryForm()
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: summaries.upload_summary(current_user, trainee, form.summary.data),
            done="工作总结已上传。", flash_error=False)
        if done:
            return redirect(fast_url("checkin.hs_summary", trainee_id=trainee_id))
        form.summary.errors.append(done.error)
    [attended] = sessions.attendance_of(project.id, [trainee.id])
    doc = db.session.get(Document, trainee.summary_document_id or 0)
    return page_or_block("high_skill/delivery/trainee_summary.html", "content", form=form,
                         trainee=trainee, project=project, doc=doc, attended=attended,
                         may_upload=summaries.may_upload(current_user, trainee, project))


def summary_file(trainee_id: int):
    trainee, _project = _mine(trainee_id)
    doc = db.session.get(Document, trainee.summary_document_id or 0)
    if doc is None:
        return make_response("未上传工作总结", 404)
    return summaries.send(doc)
