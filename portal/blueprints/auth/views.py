"""Login, logout, password change and self-registration."""

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal import rules
from portal.accounts import services as accounts
from portal.accounts import sessions, throttle
from portal.accounts.forms import ChangePasswordForm, LoginForm
from portal.blueprints.auth.blueprint import bp
from portal.core import audit
from portal.core.errors import ServiceError
from portal.extensions import db, limiter
from portal.models import OrgKind
from portal.navigation import home_url
from portal.orgs import services as organisations
from portal.orgs.forms import REGISTRATION_FORMS
from portal.security import start_session
from portal.web.live_check import require_fragment_request
from portal.web.render import page_or_block


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths; anything with a scheme or host is dropped."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        ip = request.remote_addr or ""
        refused = throttle.refusal(form.username.data, ip)
        if refused is not None:
            accounts.record_throttled(form.username.data, ip, refused.reason)
            db.session.commit()
            form.password.errors.append(refused.message)
            return render_template("auth/login.html", form=form), 429
        user = accounts.authenticate(form.username.data, form.password.data, ip)
        if user is not None:
            throttle.succeeded(form.username.data, ip)
            start_session(user)
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_url(user))
        throttle.failed(form.username.data, ip)
        db.session.commit()  # the failed attempt's counts and audit record
        form.password.errors.append("用户名或密码错误")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        sessions.end_current("logout")
        audit.record(current_user, "user", current_user.id, "logout",
                     comment=f"IP {request.remote_addr or ''}")
        db.session.commit()
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.password.data, form.current.data)
            sessions.end_others(current_user)
        except ServiceError as err:
            db.session.rollback()
            form.current.errors.append(str(err))
        else:
            db.session.commit()
            flash("密码已更新。", "success")
            # The role guard sends a first login here with `next` (a scanned check-in code).
            return redirect(_safe_next(request.args.get("next")) or home_url(current_user))
    return render_template("auth/change_password.html", form=form)


def _registration_form(kind: str):
    form_cls = REGISTRATION_FORMS.get(kind)
    if form_cls is None:
        abort(404)
    return form_cls()


def _register_limit() -> str:
    return current_app.config["REGISTER_LIMIT"]


@bp.route("/register/<kind>", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"],
               error_message="注册提交过于频繁，请稍后再试。")
def register(kind: str):
    form = _registration_form(kind)
    if form.validate_on_submit():
        try:
            org, user = organisations.register(
                OrgKind(kind), form.org_fields(), form.username.data, form.password.data,
                form.occupations(), licence=form.licence_file.data,
            )
        except (ServiceError, rules.RuleViolation) as err:
            db.session.rollback()
            form.form_errors.append(str(err))
        else:
            start_session(user)
            db.session.commit()
            login_user(user)
            reviewer = "市就业促进中心确认" if kind == OrgKind.HOST else "所在区审核"
            flash(f"注册成功。请核对单位信息后提交{reviewer}。", "success")
            return redirect(home_url(user))
    return render_template("auth/register.html", form=form, kind=OrgKind(kind))


@bp.post("/register/<kind>/check/<field>")
def register_check(kind: str, field: str):
    """Live validation of one field with the same validators the final submit runs."""
    require_fragment_request()
    form = _registration_form(kind)
    if field not in form.LIVE_FIELDS:
        abort(404)
    form[field].validate(form)
    return page_or_block("auth/register.html", f"{field}_error", form=form, kind=OrgKind(kind))


@bp.get("/account/sessions")
@login_required
def my_sessions():
    """The user's signed-in browsers (device, last seen) and a way to end the others."""
    return render_template("auth/sessions.html", rows=sessions.open_sessions(current_user),
                           current=sessions.current_token_hash(),
                           device_label=sessions.device_label)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_my_session(session_id: int):
    if sessions.end_one(current_user, session_id):
        audit.record(current_user, "user", current_user.id, "end_session",
                     comment=f"结束另一设备的登录，IP {request.remote_addr or ''}")
        db.session.commit()
        flash("已结束该设备的登录。", "success")
    return redirect(url_for("auth.my_sessions"))
