"""Training agreements (培训协议, AP-A1): recorded before the district establishes the record.

One agreement per apprentice, or one collective agreement for a batch of the same programme
(hence the same occupation), linked from each enrolment while the registration is still a
draft, returned or submitted. ``enrolments.establishment_values`` refuses approval without
one (AP-A1).
"""

from datetime import date

import sqlalchemy as sa

from portal.apprenticeship.enrolment.access import enrolment_scope
from portal.apprenticeship.enrolment.services import OBJECT_TYPE
from portal.clock import today
from portal.core import audit
from portal.core import files as documents
from portal.core.access import can
from portal.core.errors import ServiceError, StateConflict
from portal.extensions import db
from portal.models import (
    DocumentKind,
    Enrolment,
    EnrolmentState,
    Organisation,
    Programme,
    TrainingAgreement,
)
from portal.models.base import utcnow

S = EnrolmentState

# States in which an agreement can still be recorded (before the district's decision).
AGREEMENT_STATES = (S.DRAFT, S.RETURNED, S.SUBMITTED)
# AP-A1 PDF: stored once the Document kind exists (needs a migration of document.kind's CHECK).
AGREEMENT_DOCUMENT_KIND = DocumentKind.__members__.get("TRAINING_AGREEMENT")


def lacking_agreement(user) -> sa.ColumnElement[bool]:
    """AP-A1: the user's own registrations that still need an agreement before the district
    can establish them (only the registering enterprise records one)."""
    return sa.and_(enrolment_scope(user), Enrolment.state.in_(AGREEMENT_STATES),
                   Enrolment.agreement_id.is_(None))


def record_agreement(actor, programme: Programme, enrolment_ids, signed_on: date, *,
                     collective: bool = False, note: str = "", upload=None) -> TrainingAgreement:
    """AP-A1: one agreement per apprentice, or one collective agreement for a batch of the
    same programme (hence the same occupation), linked from each enrolment."""
    ids = sorted(set(enrolment_ids))
    if not ids:
        raise ServiceError("请选择签订协议的学徒")
    if not collective and len(ids) != 1:
        raise ServiceError("个人培训协议只对应一名学徒；多名学徒请登记集体协议")
    if signed_on > today():
        raise ServiceError("协议签订日期不能晚于今天")
    chosen = list(db.session.scalars(sa.select(Enrolment).where(
        Enrolment.id.in_(ids), Enrolment.programme_id == programme.id)))
    if len(chosen) != len(ids) or not all(can(actor, "record_agreement", e) for e in chosen):
        raise StateConflict("所选学徒中有已审核或不属于本项目的记录，请刷新后重试")
    agreement = TrainingAgreement(programme_id=programme.id, collective=collective,
                                  signed_on=signed_on, note=(note or "").strip()[:200])
    if upload is not None and getattr(upload, "filename", None):
        if AGREEMENT_DOCUMENT_KIND is None:
            raise ServiceError("暂不支持上传协议文件")
        owner = db.session.get(Organisation, programme.enterprise_id)
        agreement.document_id = documents.store(actor, upload, AGREEMENT_DOCUMENT_KIND, owner).id
    db.session.add(agreement)
    db.session.flush()
    changed = db.session.execute(
        sa.update(Enrolment)
        .where(Enrolment.id.in_(ids), Enrolment.state.in_(AGREEMENT_STATES))
        .values(agreement_id=agreement.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != len(ids):
        raise StateConflict()
    for e in chosen:
        db.session.refresh(e)
    kind = f"集体协议（{len(ids)}人）" if collective else "个人协议"
    for enrolment_id in ids:
        audit.record(actor, OBJECT_TYPE, enrolment_id, "record_agreement",
                     comment=f"{kind}，签订日期 {signed_on}")
    db.session.flush()
    return agreement
