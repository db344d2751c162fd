"""Server-side login sessions (issue 15, ASVS 5.0 §7): each signed-in browser is a row.

The signed cookie holds a random token; the row holds its SHA-256, when it was last seen and
whether it has ended. Logout ends that row, a password change every other row of the user,
the centre every row of a user; a copied cookie whose row has ended loads no user. The
row is read with the user in the one query that loads the user anyway.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request, session

from portal.core import audit
from portal.extensions import db
from portal.models import LoginSession, User
from portal.models.base import utcnow

TOKEN_KEY = "sid"
# last_seen_at is written at most this often: not one UPDATE per page view.
SEEN_RESOLUTION = timedelta(minutes=1)
REASONS = {"logout": "已退出", "password_changed": "密码已修改", "ended_by_user": "本人结束",
           "ended_by_centre": "市级管理员结束",
           "password_reset": "单位重置初始密码", "idle": "长时间未操作", "expired": "超过最长登录时长"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User) -> LoginSession:
    """At login: a new row, its token in the (freshly cleared) cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = LoginSession(token_hash=_hash(token), user_id=user.id, created_at=now,
                       last_seen_at=now, user_agent=(request.user_agent.string or "")[:200],
                       ip=(request.remote_addr or "")[:45])
    db.session.add(row)
    db.session.flush()
    session[TOKEN_KEY] = token
    return row


def current_token_hash() -> str | None:
    token = session.get(TOKEN_KEY)
    return _hash(token) if isinstance(token, str) else None


def load_user(user_id: int) -> User | None:
    """Flask-Login's loader: the user only while this browser's session row is open and
    not idle longer than the session lifetime."""
    token_hash = current_token_hash()
    if token_hash is None:
        return None
    found = db.session.execute(
        sa.select(User, LoginSession.id, LoginSession.last_seen_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == user_id, LoginSession.token_hash == token_hash,
               LoginSession.ended_at.is_(None))).first()
    if found is None:
        return None
    user, row_id, last_seen = found
    now = utcnow()
    if now - last_seen > current_app.config["PERMANENT_SESSION_LIFETIME"]:
        _end_where(LoginSession.id == row_id, "idle")
        db.session.commit()
        return None
    if now - last_seen >= SEEN_RESOLUTION:
        db.session.execute(sa.update(LoginSession).where(LoginSession.id == row_id)
                           .values(last_seen_at=now))
        db.session.commit()
    return user


def _end_where(condition, reason: str) -> int:
    return db.session.execute(
        sa.update(LoginSession).where(condition, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
        .execution_options(synchronize_session=False)).rowcount


def end_current(reason: str = "logout") -> None:
    token_hash = current_token_hash()
    if token_hash:
        _end_where(LoginSession.token_hash == token_hash, reason)


def end_others(user: User, reason: str = "password_changed") -> int:
    """Every session of `user` but this browser's."""
    token_hash = current_token_hash() or ""
    return _end_where(sa.and_(LoginSession.user_id == user.id,
                              LoginSession.token_hash != token_hash), reason)


def end_one(user: User, session_id: int) -> bool:
    """The user ends one of their own sessions on another device (this one: 退出)."""
    return bool(_end_where(sa.and_(LoginSession.id == session_id,
                                   LoginSession.user_id == user.id,
                                   LoginSession.token_hash != (current_token_hash() or "")),
                           "ended_by_user"))


def end_every(user_id: int, reason: str) -> int:
    """Every open session of a user, e.g. when someone else sets a new password for them."""
    return _end_where(LoginSession.user_id == user_id, reason)


def end_all(actor: User, user: User) -> int:
    """The centre ends every session of a user (a lost phone, a staff member who left)."""
    ended = end_every(user.id, "ended_by_centre")
    audit.record(actor, "user", user.id, "end_sessions", comment=f"结束 {ended} 个登录会话")
    return ended


def open_sessions(user: User) -> list[LoginSession]:
    return list(db.session.scalars(
        sa.select(LoginSession).where(LoginSession.user_id == user.id,
                                      LoginSession.ended_at.is_(None))
        .order_by(LoginSession.last_seen_at.desc()).limit(50)))


def device_label(user_agent: str) -> str:
    """A reader's name for a browser: enough to tell a phone from the office computer."""
    ua = user_agent or ""
    system = next((name for key, name in (("iPhone", "iPhone"), ("Android", "安卓手机"),
                                          ("iPad", "iPad"), ("Windows", "Windows 电脑"),
                                          ("Mac OS", "Mac 电脑"), ("Linux", "Linux 电脑"))
                   if key in ua), "未知设备")
    browser = next((name for key, name in (("MicroMessenger", "微信"), ("Edg/", "Edge"),
                                           ("Chrome", "Chrome"), ("Firefox", "Firefox"),
                                           ("Safari", "Safari")) if key in ua), "浏览器")
    return f"{system} · {browser}"
