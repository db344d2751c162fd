"""The centre's account look-up: who is signed in where, and ending a user's sessions."""

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_login import current_user

from portal.accounts import sessions
from portal.extensions import db
from portal.models import LoginSession, User
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, RouteTable

TEMPLATE = "center/accounts.html"


def accounts_page():
    """Users by username or name, each with the number of browsers signed in."""
    term = (request.args.get("q") or "").strip()[:64]
    open_count = (sa.select(sa.func.count()).where(LoginSession.user_id == User.id,
                                                   LoginSession.ended_at.is_(None))
                  .correlate(User).scalar_subquery())
    q = sa.select(User.id, User.username, User.display_name, User.role, User.last_login_at,
                  open_count.label("open_sessions")).order_by(User.username)
    if term:
        like = f"%{term}%"
        q = q.where(sa.or_(User.username.ilike(like), User.display_name.ilike(like)))
    return page_or_block(TEMPLATE, "results", page=paginate_rows(q), term=term)


def end_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:  # one's own browsers are ended on 登录设备, one by one
        flash("本人的登录请在“登录设备”页面管理。", "error")
        return redirect(url_for("auth.my_sessions"))
    ended = sessions.end_all(current_user, user)
    db.session.commit()
    flash(f"已结束 {user.username} 的 {ended} 个登录会话。", "success")
    return redirect(url_for("center.accounts", q=user.username))


ROUTES: RouteTable = {
    "center": (
        ("/accounts", "accounts", accounts_page, GET),
        ("/accounts/<int:user_id>/end-sessions", "end_sessions", end_sessions, POST),
    ),
}
