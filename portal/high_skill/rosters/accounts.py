"""Phone accounts of filed trainees (check-in, the work summary): one person, one account.

An account the person already has is reused, found by resident ID (an apprentice's or an
earlier high-skill trainee's); otherwise it is opened the way apprentices' accounts are
(username = mobile, no usable password until one is issued, changed at first login).
"""

from types import SimpleNamespace

import sqlalchemy as sa

from portal.accounts import sessions
from portal.accounts.passwords import hash_password
from portal.apprenticeship.enrolment.trainee_accounts import (
    InitialPassword,
    ensure_trainee_account,
    random_password,  # the apprenticeship's own alphabet and length
)
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import Apprentice, HsTrainee, User


def existing_accounts(resident_ids: list[str]) -> dict[str, int]:
    """Resident ID → the person's user id, from the apprenticeship and earlier HS lists."""
    if not resident_ids:
        return {}
    found = dict(db.session.execute(
        sa.select(HsTrainee.resident_id, HsTrainee.user_id)
        .where(HsTrainee.resident_id.in_(resident_ids), HsTrainee.user_id.is_not(None))).all())
    found.update(db.session.execute(
        sa.select(Apprentice.resident_id, Apprentice.user_id)
        .where(Apprentice.resident_id.in_(resident_ids), Apprentice.user_id.is_not(None))).all())
    return found


def link_accounts(actor, trainees: list[HsTrainee]) -> None:
    missing = [t for t in trainees if t.user_id is None]
    known = existing_accounts([t.resident_id for t in missing])
    for trainee in missing:
        if trainee.resident_id in known:
            trainee.user_id = known[trainee.resident_id]
            continue
        # The apprenticeship's account opener reads name, mobile and user_id of a person.
        person = SimpleNamespace(name=trainee.name, mobile=trainee.phone, user_id=None)
        ensure_trainee_account(actor, person)
        trainee.user_id = person.user_id
    db.session.flush()


NO_ACCOUNT = "学员名单备案后才有手机账号，之后才能生成初始密码"


def issue_initial_password(actor, trainee: HsTrainee, proposal) -> InitialPassword:
    """A fresh random initial password for a filed trainee's account, shown once, stored only
    as a hash, to be changed at first login (as the apprenticeship issues them); audited."""
    if not can(actor, "issue_trainee_password", proposal):
        raise NotAllowed(NO_ACCOUNT)
    if trainee.user_id is None or trainee.removed_at is not None:
        raise ServiceError(NO_ACCOUNT)
    user = db.session.get(User, trainee.user_id)
    password = random_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    # Whoever is signed in as the trainee now (a lost phone) must sign in with the new one.
    sessions.end_every(user.id, "password_reset")
    audit.record(actor, "hs_trainee", trainee.id, "reset_password",
                 comment="生成研修学员初始密码（登录后须修改）")
    db.session.flush()
    return InitialPassword(user.username, password)
