"""What a new password must be (OWASP ASVS 5.0 §6.2): long enough for the role, not common.

Staff who review and pay (district, centre) hold the whole district's or city's personal
data and money: their minimum is longer.
"""

from functools import cache
from pathlib import Path

from portal.models import Role

MIN_LENGTH = 8
STAFF_MIN_LENGTH = 12
MAX_LENGTH = 128
STAFF_ROLES = (Role.DISTRICT, Role.CENTER)
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def _common() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def min_length(role) -> int:
    return STAFF_MIN_LENGTH if role in STAFF_ROLES else MIN_LENGTH


def password_problems(password: str, role=None, username: str = "") -> list[str]:
    """Chinese reasons a new password is refused; empty when it is acceptable."""
    problems = []
    shortest = min_length(role)
    if len(password) < shortest:
        problems.append(f"密码至少{shortest}位")
    if len(password) > MAX_LENGTH:
        problems.append(f"密码不能超过{MAX_LENGTH}位")
    lowered = password.lower()
    if lowered in _common():
        problems.append("该密码过于常见，容易被猜中，请换一个")
    elif username and lowered == username.strip().lower():
        problems.append("密码不能与用户名相同")
    return problems
