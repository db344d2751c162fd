"""Portal notifications (issue 14 item 9): the one way to put a message in users' inboxes.

A service that changes state calls `notify` before its flush; the rows join the same
transaction, so a rolled-back decision leaves no message behind. Recipients are addressed
the way the policy speaks: an organisation (all its active accounts), a district's staff,
the centre's staff, or particular users.
"""

from collections.abc import Iterable

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Notification, Role, User
from portal.models.base import utcnow


def org_users(org_id: int | None) -> sa.Select:
    return sa.select(User.id).where(User.org_id == org_id, User.is_active_account.is_(True))


def district_staff(district_code: str | None) -> sa.Select:
    return sa.select(User.id).where(User.role == Role.DISTRICT,
                                    User.district_code == district_code,
                                    User.is_active_account.is_(True))


def center_staff() -> sa.Select:
    return sa.select(User.id).where(User.role == Role.CENTER, User.is_active_account.is_(True))


def notify(recipients: sa.Select | Iterable[int], kind: str, title: str, *, body: str = "",
           link: str = "", object_type: str = "", object_id: int | None = None) -> None:
    """Write one unread notification per recipient (a select of user ids, or ids) in the
    current transaction. `link` is a path inside the portal (url_for(..., _external=False))."""
    values = dict(kind=kind, title=title[:200], body=body, link=link[:300],
                  object_type=object_type, object_id=object_id, created_at=utcnow())
    if isinstance(recipients, sa.Select):
        columns = ["user_id", *values]
        source = sa.select(recipients.subquery().c[0],
                           *(sa.literal(v, type_=Notification.__table__.c[k].type)
                             for k, v in values.items()))
        db.session.execute(sa.insert(Notification).from_select(columns, source))
        return
    ids = sorted({int(i) for i in recipients if i is not None})
    if ids:
        db.session.execute(sa.insert(Notification), [dict(values, user_id=i) for i in ids])


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0
