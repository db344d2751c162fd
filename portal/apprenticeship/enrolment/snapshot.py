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


def snapshot(enrolment: Enrolment) -> dict[str, str]:
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    return {
        "姓名": enrolment.stated_name or person.name,
        "居民身份证号码": rules.mask_resident_id(person.resident_id),
        "手机号码": rules.mask_mobile(enrolment.stated_mobile or person.mobile),
        "劳动合同": f"{enrolment.contract_start} — {enrolment.contract_end or '无固定期限'}",
        "在本市缴纳社会保险": "是" if enrolment.insured_in_beijing else "否",
        "招用类型": rules.HIRE_TYPES.get(enrolment.hire_type, enrolment.hire_type),
        "劳务派遣人员": "是" if enrolment.dispatched else "否",
        "培训期间月工资（元）": str(enrolment.monthly_wage),
        "企业导师": _mentor(enrolment.enterprise_mentor_id),
        "培训机构教师": _mentor(enrolment.teacher_id),
        "培训协议": _agreement(enrolment.agreement_id),
    }


revisions.register(OBJECT_TYPE, snapshot)
