"""C-REV: a registration's reviewable fields as the review page shows them, for "what
changed since the return" (core.revisions); numbers are kept masked (C-PII)."""

import sqlalchemy as sa

from portal import rules
from portal.core import revisions
from portal.extensions import db
from portal.models import Apprentice, Enrolment, Mentor, TrainingAgreement

OBJECT_TYPE = "enrolment"


def _mentor(mentor_id: int | None) -> str:
    return (db.session.scalar(sa.select(Mentor.name).where(Mentor.id == mentor_id))
            if mentor_id else None) or "—"


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


revisions.register(OBJECT_TYPE, snapshot, lambda _enrolment: list(LABELS))
