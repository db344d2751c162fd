"""Configuration: the only module that reads the environment."""

import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    pass


def load(overrides: dict | None = None) -> dict:
    """Defaults, then the environment, then `overrides`; fails fast without a SECRET_KEY."""
    config = {**DEFAULTS, **from_environment(), **(overrides or {})}
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(config)
    # Redis shares login-throttle counters between gunicorn workers; memory is the fallback.
    config.setdefault("RATELIMIT_STORAGE_URI", config.get("REDIS_URL") or "memory://")
    # Background jobs (core.jobs): an RQ worker with Redis, else a thread of the app
    # process; tests run them in the request, after its commit (a test may choose another).
    if not config.get("JOBS_BACKEND"):
        config["JOBS_BACKEND"] = ("sync" if config.get("TESTING")
                                  else "rq" if config.get("REDIS_URL") else "thread")
    if not config.get("SECRET_KEY"):
        if not (config["DEBUG"] or config.get("TESTING")):
            raise ConfigError("SECRET_KEY must be set outside development (PORTAL_ENV=development)")
        config["SECRET_KEY"] = "dev-only-not-secret"
    return config


def from_environment() -> dict:
    env = os.environ
    debug = env.get("FLASK_DEBUG") == "1" or env.get("PORTAL_ENV") == "development"
    return {
        "SECRET_KEY": env.get("SECRET_KEY"),
        # The audit chain's HMAC key (core.audit_chain); kept apart from SECRET_KEY, so
        # rotating the session key does not break the chain's verification.
        "AUDIT_CHAIN_KEY": env.get("AUDIT_CHAIN_KEY"),
        "DEBUG": debug,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"
        ),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads"),
        "REDIS_URL": env.get("REDIS_URL"),
        "JOBS_BACKEND": env.get("JOBS_BACKEND"),  # rq | thread | sync (core.jobs)
        "BENCH_SQL_COUNT": env.get("BENCH_SQL_COUNT") == "1",
        "PG_RANDOM_PAGE_COST": env.get("PG_RANDOM_PAGE_COST", "1.1"),
        # Reverse proxies in front of the app that set X-Forwarded-For/-Proto: only then is
        # the client's address the one limits and logs see (0: none, the socket's address).
        "PROXY_HOPS": int(env.get("PROXY_HOPS") or 0),
        # Cookies go over TLS in production; plain http only on a developer's 127.0.0.1.
        "SESSION_COOKIE_SECURE": not debug,
    }


# PostgreSQL's default random_page_cost (4.0) models spinning disks: on SSD storage it makes
# the planner hash-join whole tables (3,200 organisations) where a page of 50 rows needs 150
# primary-key look-ups. 1.1 is the usual SSD setting; PG_RANDOM_PAGE_COST overrides it.
def engine_options(config: dict) -> dict:
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # C-PII: an error's message never carries the statement's values (names, ID numbers).
    options.setdefault("hide_parameters", True)
    cost = config.get("PG_RANDOM_PAGE_COST")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and cost:
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("options", f"-c random_page_cost={cost}")
        options["connect_args"] = connect_args
    return options


def normalise_database_url(url: str) -> str:
    # Hosting panels hand out postgres:// URLs; SQLAlchemy needs a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_REFRESH_EACH_REQUEST": True,
    # Idle timeout: the permanent session cookie is refreshed on each request.
    "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
    # Absolute limit regardless of activity.
    "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=12),
    "REMEMBER_COOKIE_DURATION": timedelta(days=0),
    # Every request; a view that takes videos raises it for itself (core.files.accepts).
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    # Per kind of upload: documents and photos, and training-site videos (AP-P3).
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "UPLOAD_VIDEO_MAX_BYTES": 200 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_HEADERS_ENABLED": False,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "LOGIN_LIMIT": "5 per 5 minutes",  # one account from one address
    # One account from anywhere: free failures in the window, then increasing delays.
    "LOGIN_USER_LIMIT": "30 per hour",
    "LOGIN_USER_DELAY_SECONDS": 2,
    "LOGIN_USER_MAX_DELAY_SECONDS": 300,
    "LOGIN_ADDRESS_LIMIT": "60 per 5 minutes",  # one address, any account
    # Anonymous self-registration per client address: a script cannot fill the district's
    # queue with invented organisations (issue 15).
    "REGISTER_LIMIT": "10 per hour",
    "PAGE_SIZE": 20,
}
