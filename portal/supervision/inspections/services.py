"""AP-V1: recording an inspection of a programme, and reading a programme's inspections.

The district records a video check or an on-site spot check with its date (never in the
future), method, findings, result and the photos taken on site; the programme's enterprise
(and the enterprise it entrusted the training to) and its institution are notified in the
same transaction. Other parts (summons, AP-V2) read `inspections_of`.
"""

from datetime import date

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from portal.clock import today
from portal.core import audit
from portal.core import files as documents
from portal.core.errors import NotAllowed, ServiceError
from portal.core.notify import notify, org_users, register_link
from portal.extensions import db
from portal.models import (
    Document,
    DocumentKind,
    Inspection,
    InspectionKind,
    InspectionPhoto,
    InspectionResult,
    InspectionSample,
    Organisation,
    Programme,
    ReviewState,
)
from portal.models.base import utcnow
from portal.rules import assessment as rules
from portal.supervision.inspections import samples
from portal.supervision.inspections.access import records_in

OBJECT_TYPE = "inspection"
NOTICE_KIND = "inspection"
PHOTO_MEDIA = (documents.PHOTOS,)
ONLY_DISTRICT = "只有项目所在区人社局可以登记检查（规则 AP-V1）"
NOT_APPROVED = "只能检查已批准的培训项目（规则 AP-V1）"
NOT_IN_SAMPLE = "该项目不在所选的抽查样本中（规则 AP-V1）"
CHOOSE = "请选择检查方式和检查结论（规则 AP-V1）"

# The inbox opens the inspection in the reader's own blueprint (enterprise, institution…).
register_link(OBJECT_TYPE, "inspection", "inspection_id")


def _clean(kind, result, inspected_on: date | None, method: str, findings: str,
           photos: list, day: date):
    try:
        kind, result = InspectionKind(kind), InspectionResult(result)
    except ValueError:
        raise ServiceError(CHOOSE) from None
    if inspected_on is None:
        raise ServiceError("请填写检查日期（规则 AP-V1）")
    method, findings = (method or "").strip(), (findings or "").strip()
    problems = rules.inspection_problems(
        inspected_on, day, problems_found=result != InspectionResult.CLEAR,
        findings=findings, photos=len(photos))
    if len(method) > rules.INSPECTION_METHOD_MAX:
        problems.append(f"检查方法不能超过{rules.INSPECTION_METHOD_MAX}字")
    if len(findings) > rules.INSPECTION_FINDINGS_MAX:
        problems.append(f"检查发现不能超过{rules.INSPECTION_FINDINGS_MAX}字")
    if problems:
        raise ServiceError("；".join(problems))
    return kind, result, method, findings


def record_inspection(actor, programme: Programme, *, kind, result, inspected_on: date | None,
                      method: str = "", findings: str = "",
                      photos: list[FileStorage] | tuple = (),
                      sample: InspectionSample | None = None,
                      day: date | None = None) -> Inspection:
    """AP-V1, C-DIST, C-AUD: one inspection with its photos; the enterprise and the
    institution are told. Flushes, never commits (a refusal leaves no row and no file)."""
    if not records_in(actor, programme.district_code):
        raise NotAllowed(ONLY_DISTRICT)
    if programme.state != ReviewState.APPROVED:
        raise ServiceError(NOT_APPROVED)
    if sample is not None and (sample.district_code != programme.district_code
                               or not samples.holds(sample, programme.id)):
        raise ServiceError(NOT_IN_SAMPLE)
    photos = [p for p in photos if p is not None and p.filename]
    kind, result, method, findings = _clean(kind, result, inspected_on, method, findings,
                                            photos, day or today())
    for photo in photos:  # every file is checked before any is kept
        documents.check_upload(photo, PHOTO_MEDIA)
    inspection = Inspection(
        programme_id=programme.id, district_code=programme.district_code,
        sample_id=sample.id if sample else None, kind=kind, inspected_on=inspected_on,
        method=method, findings=findings, result=result, inspector_id=actor.id,
        notified_at=utcnow())
    db.session.add(inspection)
    db.session.flush()
    # The photos belong to the programme's enterprise (the document owner every party of the
    # programme reaches through the programme, C-DIST); they are served only through access.
    owner = db.session.get(Organisation, programme.enterprise_id)
    for photo in photos:
        doc = documents.store(actor, photo, DocumentKind.INSPECTION_PHOTO, owner, PHOTO_MEDIA)
        db.session.add(InspectionPhoto(inspection_id=inspection.id, document_id=doc.id))
    audit.record(actor, OBJECT_TYPE, inspection.id, "record_inspection", to_state=result,
                 comment=f"培训项目 #{programme.id}：{kind.label}（{inspected_on}），{result.label}"
                         + (f"；{findings[:200]}" if findings else ""))
    _notify_parties(programme, inspection)
    db.session.flush()
    return inspection


def _notify_parties(programme: Programme, inspection: Inspection) -> None:
    """AP-V1: the enterprise (and an entrusted one, AP-N4) and the institution are told."""
    title = (f"培训项目 #{programme.id} 接受{inspection.kind.label}："
             f"{inspection.result.label}")
    body = inspection.findings or "未发现问题。"
    parties = {programme.enterprise_id, programme.institution_id,
               programme.entrusted_enterprise_id} - {None}
    for org_id in sorted(parties):
        notify(org_users(org_id), NOTICE_KIND, title, body=body[:1000],
               object_type=OBJECT_TYPE, object_id=inspection.id)


def inspections_of(programme_id: int) -> list[Inspection]:
    """A programme's inspections, latest first (for its page, and for summons, AP-V2)."""
    return list(db.session.scalars(
        sa.select(Inspection).where(Inspection.programme_id == programme_id)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())))


def photos_of(inspection_id: int) -> list[Document]:
    return list(db.session.scalars(
        sa.select(Document).join(InspectionPhoto, InspectionPhoto.document_id == Document.id)
        .where(InspectionPhoto.inspection_id == inspection_id).order_by(InspectionPhoto.id)))
