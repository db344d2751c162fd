"""Trainee accounts (AP-W2), their initial passwords, and the audited full-ID view (C-PII).

A trainee logs in with the mobile as username. The account is opened when the district
establishes the student record (``enrolments.district_review``), with a random password
that is never shown; the enterprise then issues an initial password, shown once and stored
only as a hash, which the trainee must change at first login. Seeing a person's full ID
number and mobile is an explicit request, allowed by ``can(..., "view_full_id", ...)`` and
audited every time.
"""

import secrets
import string
from dataclasses import dataclass

import sqlalchemy as sa

from portal import rules
from portal.accounts import sessions
from portal.accounts.passwords import UNUSABLE_PASSWORD, hash_password
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed
from portal.extensions import db
from portal.models import Apprentice, Enrolment, Role, User

# The audit object type of an enrolment, as in services.enrolments.OBJECT_TYPE (not imported
# from there: enrolments imports this module to open the account on approval).
ENROLMENT_OBJECT = "enrolment"


# ------------------------------------------------------------------------------ accounts


def _trainee_username(mobile: str) -> str:
    taken = set(db.session.scalars(
        sa.select(User.username).where(User.username.like(f"{mobile}%"))))
    if mobile not in taken:
        return mobile
    n = 2
    while f"{mobile}-{n}" in taken:
        n += 1
    return f"{mobile}-{n}"


def random_password() -> str:
    """12 characters, no look-alikes (0/O, 1/l/I): read out once over the phone."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


def ensure_trainee_account(actor, person: Apprentice) -> User | None:
    """AP-W2: the trainee's login (username = mobile); None if the person already has one.

    It has no password until the enterprise issues one with ``reset_initial_password``
    (no argon2 round inside every approval); the trainee must change it at first login.
    """
    if person.user_id is not None:
        return None
    user = User(username=_trainee_username(person.mobile), role=Role.TRAINEE,
                password_hash=UNUSABLE_PASSWORD,
                display_name=person.name, must_change_password=True)
    db.session.add(user)
    db.session.flush()
    person.user_id = user.id
    audit.record(actor, "user", user.id, "create_trainee_account",
                 comment=f"学员账号 {rules.mask_mobile(user.username[:11])}")
    return user


@dataclass(frozen=True)
class InitialPassword:
    username: str
    password: str  # shown once, never stored in clear


def reset_initial_password(actor, enrolment: Enrolment) -> InitialPassword:
    """AP-W2: a fresh random initial password for the trainee (audited; must be changed)."""
    if not can(actor, "reset_password", enrolment):
        raise NotAllowed("学籍建立后，报名企业才能为学员生成初始密码")
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    ensure_trainee_account(actor, person)
    user = db.session.get(User, person.user_id)
    password = random_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    # Whoever is signed in as the trainee now (a lost phone) must sign in with the new one.
    sessions.end_every(user.id, "password_reset")
    audit.record(actor, ENROLMENT_OBJECT, enrolment.id, "reset_password",
                 comment="生成学员初始密码（登录后须修改）")
    db.session.flush()
    return InitialPassword(user.username, password)


# ------------------------------------------------------------------------------ C-PII


@dataclass(frozen=True)
class Identity:
    resident_id: str
    mobile: str


def reveal_identity(actor, enrolment: Enrolment) -> Identity:
    """C-PII: the full ID number and mobile, for those allowed; every look is audited."""
    if not can(actor, "view_full_id", enrolment):
        raise NotAllowed("您无权查看完整证件号码")
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    audit.record(actor, ENROLMENT_OBJECT, enrolment.id, "view_full_id")
    db.session.flush()
    # The mobile this enrolment states (a draft never shows another enterprise's record).
    return Identity(person.resident_id, enrolment.stated_mobile or person.mobile)
