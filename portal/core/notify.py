"""Portal notifications (issue 14 item 9, C-AUD): the one way to put a message in inboxes.

A service that changes state calls `notify` before its flush; the rows join the same
transaction, so a rolled-back decision leaves no message behind. Recipients are addressed
the way the policy speaks: an organisation (all its active accounts), a district's staff,
the centre's staff, or particular users.

Review decisions (approve / return / reject) go through `core.workflow`, which calls
`decision_notice`: a domain registers, per audited `object_type`, who owns a record and what
to call it (`register_owner`), and the page a message links to (`register_link`). Core
imports no domain, the way `core.access.register` works. A message's link is resolved when
the inbox is shown, in the reader's own blueprint (an enterprise and a host read the same
proposal under different prefixes), unless the writer stored a path.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Notification, Role, User
from portal.models.base import utcnow


def org_users(org_id) -> sa.Select:
    """The active accounts of an organisation (`org_id` an id or a scalar subquery)."""
    return sa.select(User.id).where(User.org_id == org_id, User.is_active_account.is_(True))


def district_staff(district_code: str | None) -> sa.Select:
    return sa.select(User.id).where(User.role == Role.DISTRICT,
                                    User.district_code == district_code,
                                    User.is_active_account.is_(True))


def center_staff() -> sa.Select:
    return sa.select(User.id).where(User.role == Role.CENTER, User.is_active_account.is_(True))


def notify(recipients: sa.Select | Iterable[int], kind: str, title: str, *, body: str = "",
           link: str = "", object_type: str = "", object_id: int | None = None,
           dedupe_key: str | None = None) -> int:
    """Write one unread notification per recipient (a select of user ids, or ids) in the
    current transaction. `link` is a path inside the portal (url_for(..., _external=False));
    left empty, the inbox links the record through `register_link`. With `dedupe_key` a
    recipient who already has that key gets nothing (the daily reminders: once each).
    Returns how many messages were written."""
    values = dict(kind=kind[:32], title=title[:200], body=body, link=link[:300],
                  object_type=object_type[:32], object_id=object_id, created_at=utcnow(),
                  dedupe_key=dedupe_key and dedupe_key[:80])
    if not isinstance(recipients, sa.Select):
        ids = sorted({int(i) for i in recipients if i is not None})
        if not ids:
            return 0
        if dedupe_key is None:
            db.session.execute(sa.insert(Notification), [dict(values, user_id=i) for i in ids])
            return len(ids)
        recipients = sa.select(User.id).where(User.id.in_(ids))
    recipient = recipients.subquery().c[0]
    source = sa.select(recipient, *(sa.literal(v, type_=Notification.__table__.c[k].type)
                                    for k, v in values.items()))
    if dedupe_key is not None:
        source = source.where(~sa.exists().where(Notification.user_id == recipient,
                                                 Notification.dedupe_key == values["dedupe_key"]))
    # RETURNING counts what was written: psycopg reports no rowcount for INSERT … SELECT.
    written = db.session.execute(sa.insert(Notification.__table__)
                                 .from_select(["user_id", *values], source)
                                 .returning(Notification.__table__.c.id)).all()
    return len(written)


def unread_count(user_id: int) -> int:
    """The badge: one count on the (user_id, read_at, id) index."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


# --- Review decisions through core.workflow -----------------------------------------------

# The audit actions of the review steps (Transition.audit_action) and how a message says them.
DECISIONS = {"approve": ("approved", "审核通过"), "return": ("returned", "退回修改"),
             "reject": ("rejected", "不予通过")}


@dataclass(frozen=True)
class Owner:
    """Who hears about decisions on records of one `object_type`: `org(obj)` is the owning
    organisation's id (or a scalar subquery of it), `name(obj)` the record as a message
    names it, `noun` what the record is (培训项目, 补贴申请…)."""

    noun: str
    org: Callable[[object], object]
    name: Callable[[object], str]


@dataclass(frozen=True)
class Link:
    """The record's page: `<reader's blueprint>.<endpoint>` with `{arg: object_id}`."""

    endpoint: str
    arg: str


_COMMENT_LABELS = {"approved": "审核意见", "returned": "修改意见", "rejected": "理由"}
# A two-step chain's action names its step (district_approve, centre_return…).
STEPS = {"district": "区级", "center": "市级", "centre": "市级"}

_OWNERS: dict[str, Owner] = {}
_LINKS: dict[str, Link] = {}


def register_owner(object_type: str, noun: str, org: Callable[[object], object],
                   name: Callable[[object], str] = lambda obj: "") -> None:
    _OWNERS[object_type] = Owner(noun, org, name)


def register_link(object_type: str, endpoint: str, arg: str) -> None:
    _LINKS[object_type] = Link(endpoint, arg)


def link_for(object_type: str) -> Link | None:
    return _LINKS.get(object_type)


def decision_notice(object_type: str, obj, action: str, comment: str = "",
                    step: str = "") -> None:
    """C-REV / C-AUD: tell the owner organisation of `obj` that it was approved, returned
    (with the reviewer's comment) or rejected (with the reason), in the decision's
    transaction. Other steps (submit, withdraw…) and unregistered kinds tell no one."""
    owner, decided = _OWNERS.get(object_type), DECISIONS.get(str(action))
    if owner is None or decided is None:
        return
    kind, said = decided
    name = owner.name(obj)
    title = f"{owner.noun}{f'「{name}」' if name else ''}：{step}{said}"
    body = f"{_COMMENT_LABELS[kind]}：{comment}" if comment else ""
    notify(org_users(owner.org(obj)), kind, title, body=body,
           object_type=object_type, object_id=obj.id)
