"""A third-party audit's conclusion on one organisation for one year (AP-V4, HS-W10):
passed or failed, findings, date; one per organisation and year (a unique constraint).
A failed audit vetoes that organisation's performance evaluations of the year, including
those recorded before it (一票否决)."""

from datetime import date

import sqlalchemy as sa

from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError
from portal.core.notify import notify, org_users
from portal.extensions import db
from portal.models import AuditResult, Organisation, OrgKind, Role
from portal.supervision.evaluations import services as evaluations

OBJECT_TYPE = "audit_result"
FINDINGS_MAX = 2000
AUDITED_KINDS = (OrgKind.ENTERPRISE, OrgKind.HOST)


def record_result(actor, organisation: Organisation, *, year: int, firm: Organisation | None,
                  passed: bool, findings: str, audited_on: date, day: date) -> AuditResult:
    if actor.role != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以登记审计结论（规则 AP-V4）")
    if organisation.kind not in AUDITED_KINDS:
        raise ServiceError("审计结论只登记在企业或承办单位名下")
    if firm is not None and firm.kind != OrgKind.AUDIT_FIRM:
        raise ServiceError("审计机构须为已登记的第三方机构")
    if audited_on > day:
        raise ServiceError("审计日期不能晚于今天")
    findings = (findings or "").strip()
    if not passed and not findings:
        raise ServiceError("审计不合格的须填写审计发现（规则 AP-V4）")
    if db.session.scalar(sa.select(AuditResult.id).where(
            AuditResult.organisation_id == organisation.id, AuditResult.year == year)):
        raise ServiceError(f"{organisation.name}{year}年度的审计结论已登记")
    result = AuditResult(organisation_id=organisation.id, year=year,
                         firm_id=firm.id if firm else None, passed=passed,
                         findings=findings[:FINDINGS_MAX], audited_on=audited_on,
                         recorded_by_id=actor.id)
    db.session.add(result)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # a second submission racing this one
        raise ServiceError(f"{organisation.name}{year}年度的审计结论已登记") from None
    verdict = "passed" if passed else "failed"
    audit.record(actor, OBJECT_TYPE, result.id, "record", to_state=verdict,
                 comment=f"{organisation.name} {year}年度：{findings[:200]}")
    notify(org_users(organisation.id), "audit_result",
           f"{year}年度第三方审计结论：{'合格' if passed else '不合格'}", body=findings,
           object_type=OBJECT_TYPE, object_id=result.id)
    if not passed:
        evaluations.apply_audit_veto(actor, result)
    db.session.flush()
    return result
