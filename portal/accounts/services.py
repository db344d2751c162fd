"""Login and account changes."""

import sqlalchemy as sa

from portal.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    verify_password,
)
from portal.core import audit
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import User
from portal.models.base import utcnow


def authenticate(username: str, password: str, ip: str = "") -> User | None:
    """The user whose password this is; a failed attempt on an existing account is audited
    with the client address (C-AUD), the caller commits either way."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None:
        verify_password(DUMMY_HASH, password)
        return None
    if not user.is_active or not verify_password(user.password_hash, password):
        audit.record(None, "user", user.id, "login_failed", comment=f"IP {ip}")
        db.session.flush()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(user, "user", user.id, "login", comment=f"IP {ip}")
    db.session.flush()
    return user


def record_throttled(username: str, ip: str, reason: str) -> None:
    """C-AUD: an attempt refused by the login throttle (a lockout), on the account if any."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is not None:
        audit.record(None, "user", user.id, "login_throttled", comment=f"IP {ip}; {reason}")
        db.session.flush()


WRONG_CURRENT = "当前密码不正确"


def change_password(user: User, new_password: str, current_password: str | None = None) -> None:
    """ASVS 5.0 §6.2.3: a change proves the current password, except the forced first change
    after a one-time password (the user has just signed in with it)."""
    if not user.must_change_password and not verify_password(user.password_hash,
                                                             current_password or ""):
        raise ServiceError(WRONG_CURRENT)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    audit.record(user, "user", user.id, "change_password")
    db.session.flush()
