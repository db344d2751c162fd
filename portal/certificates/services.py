"""Revoking a certificate (AP-S1, C-AUD) and finding one by its number for the public.

Services flush and never commit; the view commits once (web.commit.commit_or_refuse).
"""

import re

import sqlalchemy as sa

from portal.certificates.issue import OBJECT_TYPE
from portal.clock import beijing_day, now_utc
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.models import Certificate, Role

REASON_MAX = 500
ONLY_CENTRE = "只有市就业促进中心可以撤销证书（规则 AP-S1）"
REASON_REQUIRED = "撤销证书须填写撤销理由，理由将记入审计日志（规则 C-AUD）"
ALREADY_REVOKED = "该证书已于{day}撤销，不能重复撤销（规则 AP-S1）"

# Numbers are typed from paper: spaces and dashes dropped, letters upper-cased.
_NUMBER_NOISE = re.compile(r"[\s\-－—_]+")
NUMBER_MAX = 24


def normalise_number(raw: str | None) -> str:
    return _NUMBER_NOISE.sub("", raw or "").upper()[: NUMBER_MAX + 1]


def by_number(raw: str | None) -> Certificate | None:
    """The certificate with this number, or None (also for junk: nothing tells how close)."""
    number = normalise_number(raw)
    if not number or len(number) > NUMBER_MAX or not number.isalnum():
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.number == number))


def revoke(actor, certificate: Certificate, reason: str) -> Certificate:
    """AP-S1, C-AUD: the centre revokes a certificate with a reason; it is never deleted.

    A guarded UPDATE (… WHERE revoked_at IS NULL): of two centre users revoking at once,
    one succeeds and the other is told it is already revoked.
    """
    if getattr(actor, "role", None) != Role.CENTER:
        raise NotAllowed(ONLY_CENTRE)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(REASON_REQUIRED)
    if len(reason) > REASON_MAX:
        raise ServiceError(f"撤销理由不能超过{REASON_MAX}字")
    moment = now_utc()
    done = db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=moment, revoked_reason=reason, revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        db.session.refresh(certificate)
        day = beijing_day(certificate.revoked_at) if certificate.revoked_at else ""
        raise StateConflict(ALREADY_REVOKED.format(day=day))
    audit.record(actor, OBJECT_TYPE, certificate.id, "revoke", from_state="valid",
                 to_state="revoked", comment=reason)
    db.session.flush()
    db.session.refresh(certificate)
    return certificate
