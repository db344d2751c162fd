"""HS-P5: each trainee's work summary (研修工作总结), the main basis of the assessment.

The trainee uploads it from the phone, or the host on the trainee's behalf from a computer;
it is a Document of the host (owner org), replaced freely until the completion filing.
"""

from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, send_file

from portal.clock import now_utc
from portal.core import audit
from portal.core import files as documents
from portal.core.errors import NotAllowed, StateConflict
from portal.extensions import db
from portal.high_skill.access import owns
from portal.models import (
    Document,
    DocumentKind,
    HsProposal,
    HsTrainee,
    Organisation,
    ProposalState,
    Role,
)

OBJECT_TYPE = "hs_trainee"

# core.files knows PDF and images; a work summary is as often a Word file.
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WORD = documents.Media("Word 文档（.doc、.docx）", {"application/msword": "doc", DOCX: "docx"},
                       "UPLOAD_MAX_BYTES", f".doc,.docx,application/msword,{DOCX}")
SUMMARY_MEDIA = (documents.DOCUMENTS, WORD)

CLOSED = "研修项目已报送结业备案，工作总结不能再上传或更换（规则 HS-P5、HS-W8）"


def may_upload(user, trainee: HsTrainee, proposal: HsProposal) -> bool:
    """The trainee themself or the project's host, while the project runs (FILED)."""
    if trainee.removed_at is not None or proposal.state != ProposalState.FILED:
        return False
    if user.role == Role.TRAINEE:
        return trainee.user_id is not None and trainee.user_id == user.id
    return owns(user, proposal)


def upload_summary(actor, trainee: HsTrainee, upload) -> Document:
    """HS-P5: store the summary and point the trainee at it (the previous file is kept for
    the audit trail, no longer linked); audited, flushed."""
    proposal = db.session.get(HsProposal, trainee.proposal_id)
    if proposal.state == ProposalState.COMPLETED:
        raise StateConflict(CLOSED)
    if not may_upload(actor, trainee, proposal):
        raise NotAllowed("只有学员本人或承办单位可以在研修实施期间上传工作总结")
    host = db.session.get(Organisation, proposal.host_id)
    doc = documents.store(actor, upload, DocumentKind.HS_WORK_SUMMARY, host, media=SUMMARY_MEDIA)
    replaced = trainee.summary_document_id is not None
    trainee.summary_document_id = doc.id
    trainee.summary_uploaded_at = now_utc()
    audit.record(actor, OBJECT_TYPE, trainee.id, "replace_summary" if replaced else "upload_summary",
                 comment=doc.original_name)
    db.session.flush()
    return doc


def send(doc: Document):
    """The summary as a download (callers check who may see it)."""
    if doc.content_type not in WORD.types:
        return documents.send(doc)
    # core.files.send names the file by its own families only.
    path = Path(current_app.config["UPLOAD_DIR"]) / doc.stored_name
    if not path.is_file():
        abort(404)
    stem = Path(doc.original_name).stem or "document"
    response = send_file(path, mimetype=doc.content_type, as_attachment=True,
                         download_name=f"{stem}.{WORD.types[doc.content_type]}", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def my_listings(user) -> list[tuple[HsTrainee, HsProposal]]:
    """The trainee's rows on high-skill projects in delivery or done, newest project first."""
    if user.role != Role.TRAINEE:
        return []
    return [tuple(row) for row in db.session.execute(
        sa.select(HsTrainee, HsProposal).join(HsProposal, HsProposal.id == HsTrainee.proposal_id)
        .where(HsTrainee.user_id == user.id, HsTrainee.removed_at.is_(None),
               HsProposal.state.in_((ProposalState.FILED, ProposalState.COMPLETED)))
        .order_by(HsProposal.starts_on.desc(), HsProposal.id.desc()))]


def my_listing(user, trainee_id: int) -> tuple[HsTrainee, HsProposal] | None:
    return next((row for row in my_listings(user) if row[0].id == trainee_id), None)
