"""Phone accounts of filed trainees (check-in, the work summary).

An account is reused only when this same host opened it for the same person on an earlier
list: a resident ID typed by a host must never hand it an account another organisation
manages (an apprentice's, or another host's trainee's), since the host may reset its
password. Otherwise one is opened the way apprentices' accounts are (username = mobile, no
usable password until one is issued, changed at first login).
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
from portal.models import Apprentice, HsProposal, HsTrainee, User


def existing_accounts(host_id: int, resident_ids: list[str]) -> dict[str, int]:
    """Resident ID → the account this host opened for the person on an earlier list, if that
    account is used by no one else (no apprentice record, no other host's listing)."""
    if not resident_ids:
        return {}
    found = dict(db.session.execute(
        sa.select(HsTrainee.resident_id, HsTrainee.user_id)
        .join(HsProposal, HsProposal.id == HsTrainee.proposal_id)
        .where(HsProposal.host_id == host_id, HsTrainee.resident_id.in_(resident_ids),
               HsTrainee.user_id.is_not(None))).all())
    return {rid: uid for rid, uid in found.items() if managed_by(host_id, uid)}


def managed_by(host_id: int, user_id: int) -> bool:
    """The account belongs to this host's listings alone (so the host may reset it)."""
    if db.session.scalar(sa.select(Apprentice.id).where(Apprentice.user_id == user_id)):
        return False
    other = db.session.scalar(
        sa.select(HsTrainee.id).join(HsProposal, HsProposal.id == HsTrainee.proposal_id)
        .where(HsTrainee.user_id == user_id, HsProposal.host_id != host_id).limit(1))
    return other is None


def link_accounts(actor, trainees: list[HsTrainee]) -> None:
    missing = [t for t in trainees if t.user_id is None]
    if not missing:
        return
    host_id = db.session.get(HsProposal, missing[0].proposal_id).host_id
    known = existing_accounts(host_id, [t.resident_id for t in missing])
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
OTHER_MANAGER = "该学员的手机账号还用于其他单位的培训，不能由本单位重置密码；请学员用原密码登录或联系市就业促进中心"


def issue_initial_password(actor, trainee: HsTrainee, proposal) -> InitialPassword:
    """A fresh random initial password for a filed trainee's account, shown once, stored only
    as a hash, to be changed at first login (as the apprenticeship issues them); audited."""
    if not can(actor, "issue_trainee_password", proposal):
        raise NotAllowed(NO_ACCOUNT)
    if trainee.user_id is None or trainee.removed_at is not None:
        raise ServiceError(NO_ACCOUNT)
    if not managed_by(proposal.host_id, trainee.user_id):
        raise NotAllowed(OTHER_MANAGER)
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
