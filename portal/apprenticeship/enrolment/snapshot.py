"""C-REV: a registration's reviewable fields as the review page shows them, for "what
changed since the return" (core.revisions); numbers are kept masked (C-PII)."""

import sqlalchemy as sa

from portal import rules
from portal.core import revisions
from portal.extensions import db
from portal.models import Apprentice, Enrolment, Mentor, TrainingAgreement

OBJECT_TYPE = "enrolment"


def _mentor(mentor_id: int | None) -> str:
    mentor = db.session.get(Mentor, mentor_id) if mentor_id else None
    return mentor.name if mentor is not None else "—"


def _agreement(agreement_id: int | None) -> str:
    agreement = db.session.get(TrainingAgreement, agreement_id) if agreement_id else None
    if agreement is None:
        return "未登记"
    kind = "集体协议" if agreement.collective else "个人协议"
    return f"{kind}，签订于 {agreement.signed_on}；{revisions.describe_files([agreement.document_id])}"


LABELS = ["姓名", "居民身份证号码", "手机号码", "劳动合同", "在本市缴纳社会保险", "招用类型",
          "劳务派遣人员", "培训期间月工资（元）", "企业导师", "培训机构教师", "培训协议"]


def snapshot(enrolment: Enrolment) -> dict[str, str]:
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    values = [
        enrolment.stated_name or person.name,
        rules.mask_resident_id(person.resident_id),
        rules.mask_mobile(enrolment.stated_mobile or person.mobile),
        f"{enrolment.contract_start} — {enrolment.contract_end or '无固定期限'}",
        "是" if enrolment.insured_in_beijing else "否",
        rules.HIRE_TYPES.get(enrolment.hire_type, enrolment.hire_type),
        "是" if enrolment.dispatched else "否",
        str(enrolment.monthly_wage),
        _mentor(enrolment.enterprise_mentor_id),
        _mentor(enrolment.teacher_id),
        _agreement(enrolment.agreement_id),
    ]
    return dict(zip(LABELS, values, strict=True))


def prefetch(enrolments: list[Enrolment]) -> list:
    """The people, mentors, agreements and agreement files of a page of resubmitted rows."""
    def load(model, ids):
        ids = {i for i in ids if i}
        return db.session.scalars(sa.select(model).where(model.id.in_(ids))).all() if ids else []

    people = load(Apprentice, (e.apprentice_id for e in enrolments))
    mentors = load(Mentor, [i for e in enrolments for i in (e.enterprise_mentor_id, e.teacher_id)])
    agreements = load(TrainingAgreement, (e.agreement_id for e in enrolments))
    return [*people, *mentors, *agreements,
            *revisions.load_documents(a.document_id for a in agreements)]


revisions.register(OBJECT_TYPE, snapshot, lambda _enrolment: list(LABELS), prefetch)
