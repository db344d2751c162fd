"""Error pages in Chinese; any failure rolls the session back so nothing is half-written."""

from flask import render_template
from flask_wtf.csrf import CSRFError
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


def init_app(app) -> None:
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
