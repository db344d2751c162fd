"""The evidence package as a background job with a progress bar (issue 14 item 6). The
starter's access is checked when the job is started and again when it runs: a grant revoked
in between refuses the package."""

from pathlib import Path

import sqlalchemy as sa

from portal.core import audit, jobs
from portal.core.errors import NotAllowed
from portal.extensions import db
from portal.models import Job, Programme, User
from portal.supervision.audits.access import audited_programmes, year_granted
from portal.supervision.audits.evidence import EvidenceScope, build_evidence_package
from portal.supervision.audits.grants import YEARS

KIND = "evidence_package"


def may_build(user, scope: EvidenceScope) -> bool:
    """AP-V4, HS-W10: an auditor within its open grants, or the centre."""
    if scope.programme_id is not None:
        return db.session.scalar(audited_programmes(user).with_only_columns(Programme.id)
                                 .where(Programme.id == scope.programme_id)) is not None
    return scope.year in YEARS and year_granted(user, scope.year)


def record_download(user, scope: EvidenceScope) -> None:
    """C-AUD, C-PII: who took which package of (masked) personal data."""
    kind, key = (("programme", scope.programme_id) if scope.programme_id
                 else ("audit_year", scope.year))
    audit.record(user, kind, key, "evidence_download", comment=scope.download_name)


def start(user, scope: EvidenceScope) -> Job:
    """Queue the package (flushes; the view commits)."""
    return jobs.start(user, KIND, scope.params())


def run(params: dict, progress, out_path: Path) -> str:
    user = db.session.scalar(sa.select(User).where(User.id == params["user_id"]))
    scope = EvidenceScope.from_params(params)
    if user is None or not may_build(user, scope):
        raise NotAllowed("审计授权已撤销或已过期，不能生成证据包（规则 AP-V4）")
    with open(out_path, "wb") as out:
        name = build_evidence_package(scope, out, progress)
    record_download(user, scope)
    return name


def may_download(user, params: dict) -> bool:
    """A package built under a grant stays the grant's: revoked or expired, no download."""
    return user is not None and may_build(user, EvidenceScope.from_params(params))


jobs.register(KIND, run, label="审计证据包（Excel 压缩包）", may_download=may_download)
