"""The access mechanism (C-DIST): role guards, scoped selects, object permissions.

Every list starts from `visible(Model, user)`; every detail or action route loads through
`get_or_404_for`, so a record outside the user's scope looks missing. The scopes and
permissions themselves live with their domains (`portal/<domain>/access.py`), which
`register` them here; this module imports no domain.
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.extensions import db
from portal.navigation import home_url

Scope = Callable[[object], sa.Select]
Permissions = Callable[[object, object], dict[str, bool]]

_SCOPES: dict[type, Scope] = {}
_PERMISSIONS: dict[type, Permissions] = {}


def register(model: type, scope: Scope, permissions: Permissions) -> None:
    """A domain's select of what a user may see of `model`, and what they may do with one."""
    _SCOPES[model] = scope
    _PERMISSIONS[model] = permissions


def require_role(*roles) -> Callable:
    """A blueprint's before_request guard: anonymous → login, wrong role → 403."""

    def guard():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.role not in roles:
            abort(403)
        if current_user.must_change_password:
            # Come back to the page asked for (a scanned check-in code) once it is set.
            wanted = request.full_path.rstrip("?")
            keep = request.method == "GET" and request.path != home_url(current_user)
            return redirect(url_for("auth.change_password", next=wanted if keep else None))
        return None

    return guard


def in_district(user, column) -> sa.ColumnElement[bool]:
    """C-DIST: the one filter that keeps district staff inside their district."""
    return column == user.district_code


def visible(model: type, user) -> sa.Select:
    return _SCOPES[model](user)


def get_or_404_for(user, model: type, id_: int, action: str = "view", options=()):
    """The record in the user's scope allowed `action`; `options` (eager loads) ride along."""
    obj = db.session.scalar(visible(model, user).where(model.id == id_).options(*options))
    if obj is None:
        abort(404)
    if not can(user, action, obj):
        abort(403)
    return obj


def can(user, action: str, obj) -> bool:
    """True only if role, district and state all fit; also a Jinja global for buttons."""
    if user is None or not user.is_authenticated:
        return False
    rules = _PERMISSIONS.get(type(obj))
    return bool(rules and rules(user, obj).get(action, False))
