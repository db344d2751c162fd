"""Session lifetime, login manager hooks and secure response headers (ARCHITECTURE §7b)."""

import sqlite3
from datetime import UTC, datetime

from flask import current_app, session
from flask_login import current_user, logout_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.accounts import sessions
from portal.extensions import db, login_manager
from portal.models import User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # A classroom checking in at once queues for SQLite's single writer: wait, not fail.
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


@login_manager.user_loader
def _load_user(user_id: str):
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 12:
        return None
    return sessions.load_user(int(user_id))


def start_session(user: User) -> None:
    """Called at login: a fresh cookie, a new server-side session row, the absolute-lifetime
    clock started."""
    session.clear()
    session.permanent = True
    session["login_at"] = datetime.now(UTC).timestamp()
    sessions.open_session(user)


def _enforce_absolute_lifetime():
    if not current_user.is_authenticated:
        return
    started = session.get("login_at")
    limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    if started is None or datetime.now(UTC).timestamp() - started > limit:
        sessions.end_current("expired")
        db.session.commit()
        logout_user()
        session.clear()


def _secure_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # One URL answers both full pages and htmx fragments: caches must tell them apart.
    response.vary.add("HX-Request")
    return response


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" protection hashes IP and user agent into the cookie and, with
    # permanent sessions, only marks the session non-fresh: it protects nothing here and
    # logs out a phone whose IP changes between cell towers. Revocation is server-side
    # (accounts.sessions) instead.
    login_manager.session_protection = None
    app.before_request(_enforce_absolute_lifetime)
    app.after_request(_secure_headers)
