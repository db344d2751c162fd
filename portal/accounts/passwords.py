"""Password hashing with argon2id (argon2-cffi defaults)."""

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# An account that has no password yet (a trainee account before the enterprise issues the
# first one): no hash can match it, and making one costs no argon2 round per approval.
UNUSABLE_PASSWORD = "!no-password-yet"


def verify_password(stored_hash: str, password: str) -> bool:
    if stored_hash == UNUSABLE_PASSWORD:
        _verify_dummy(password)  # the same time as a wrong password
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# Verifying against a real hash for unknown users keeps login timing uniform.
DUMMY_HASH = _hasher.hash("timing-equaliser")


def _verify_dummy(password: str) -> None:
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(DUMMY_HASH, password)
