"""Error pages in Chinese; any failure rolls the session back so nothing is half-written."""

from urllib.parse import urlsplit

from flask import make_response, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from portal.extensions import db, htmx

MESSAGES = {
    400: "请求无效，请返回重试。",
    403: "您没有权限访问该页面。",
    404: "页面不存在，或您无权查看该记录。",
    405: "不支持该操作方式。",
    413: "上传的文件过大。",
    422: "提交的内容有误。",
    429: "操作过于频繁，请稍后再试。",
    500: "系统出现错误，已记录，请稍后再试。",
}


def _render(status: int, message: str | None = None):
    db.session.rollback()
    text = message or MESSAGES.get(status, MESSAGES[400])
    if htmx:
        return f'<p class="error" role="alert">{text}</p>', status
    return render_template("errors/error.html", status=status, message=text), status


RELOGIN = "登录已过期，请重新登录"


def _same_site_path(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _relogin_in_place(response):
    """An htmx request whose login ended (expired, revoked) is answered with a redirect to
    the login page; htmx would follow it and swap the login form into the block (the
    projector's polled attendance list). Answer a "请重新登录" box instead: swapped in place,
    it also stops the polling, and its link comes back to the page on screen."""
    if not htmx or response.status_code not in (301, 302, 303, 307, 308):
        return response
    login_path = url_for("auth.login")
    if urlsplit(response.location or "").path != login_path:
        return response
    back = _same_site_path(request.headers.get("HX-Current-URL"))
    href = url_for("auth.login", next=back) if back else login_path
    box = Markup('<div class="relogin flash flash-error" role="alert"><p><strong>{}</strong></p>'
                 '<p><a href="{}">{}</a></p></div>').format(RELOGIN, href, "重新登录")
    return make_response(str(box), 200)


def init_app(app) -> None:
    app.after_request(_relogin_in_place)

    @app.errorhandler(CSRFError)
    def csrf_error(_err):
        return _render(400, "页面已过期或安全校验失败（CSRF），请刷新页面后重试。")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        # Rate limits carry their own Chinese explanation (see the login view).
        if err.code == 429 and err.description:
            return _render(429, str(err.description))
        return _render(err.code or 500)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        app.logger.exception("unhandled error", exc_info=err)
        return _render(500)
