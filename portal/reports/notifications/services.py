"""Reading one's own inbox: the list, the badge, marking read (issue 14 item 9).

Every query is narrowed to the reader's own user id: another user's message is "not found"
(404), never readable or markable. Marking read is a guarded UPDATE of unread rows only,
so a second click changes nothing and the first reading time stays.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, url_for

from portal.core.notify import link_for, unread_count
from portal.extensions import db
from portal.models import Notification
from portal.models.base import utcnow
from portal.navigation import HOME_ENDPOINTS


def notifications_for(user) -> sa.Select:
    """The reader's own messages: unread first, then newest first."""
    return (sa.select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.read_at.is_not(None), Notification.id.desc()))


def own_notification(user, notification_id: int) -> Notification | None:
    return db.session.scalar(sa.select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user.id))


def mark_read(user, notification: Notification) -> bool:
    """Mark one of the reader's messages read; False if it already was. Flushed, not committed."""
    changed = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification.id, Notification.user_id == user.id,
               Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return changed == 1


def mark_all_read(user) -> int:
    """全部标为已读: every unread message of the reader; how many changed."""
    changed = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return changed


def role_blueprint(user) -> str | None:
    endpoint = HOME_ENDPOINTS.get(user.role)
    return endpoint.split(".")[0] if endpoint else None


def record_link(notification: Notification, blueprint: str | None) -> str:
    """The page of the record a message is about: the path its writer stored, else the
    record's page in the reader's blueprint (same endpoint name for every role); "" if the
    reader's role has no such page."""
    if notification.link.startswith("/") and not notification.link.startswith("//"):
        return notification.link
    link = link_for(notification.object_type)
    if link is None or blueprint is None or (link.arg and notification.object_id is None):
        return ""
    endpoint = f"{blueprint}.{link.endpoint}"
    if endpoint not in current_app.view_functions:
        return ""
    return url_for(endpoint, **({link.arg: notification.object_id} if link.arg else {}))


@dataclass(frozen=True)
class Badge:
    count: int
    url: str | None


def badge(user) -> Badge | None:
    """The header's unread count: one indexed count; nothing (no query) for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return None
    blueprint = role_blueprint(user)
    endpoint = f"{blueprint}.notifications"
    url = url_for(endpoint) if endpoint in current_app.view_functions else None
    return Badge(unread_count(user.id), url)
