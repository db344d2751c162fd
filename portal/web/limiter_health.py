"""Rate-limit storage outages are loud (issue 15 item 3).

Flask-Limiter notes a Redis outage once, as a warning, and carries on with per-worker memory
counters. That must not pass unseen: each outage and recovery is logged as an error on the
portal's own logger and counted, and `/healthz` answers 503 while the storage is down.
Login throttling does not depend on it (portal.accounts.throttle counts in the database).
"""

import logging
import threading

LOGGER = logging.getLogger("portal.security")
_lock = threading.Lock()
_state = {"outages": 0, "down": False}


class _Escalate(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "storage unreachable" in message or "Swallowing error" in message:
            with _lock:
                if not _state["down"]:
                    _state["outages"] += 1
                _state["down"] = True
                count = _state["outages"]
            LOGGER.error("限流存储（Redis）不可用：各进程暂以自身内存计数（本进程第 %d 次中断）；"
                         "登录限制仍以数据库计数。", count)
        elif "storage recovered" in message:
            with _lock:
                _state["down"] = False
            LOGGER.error("限流存储（Redis）已恢复。")
        return True


def install() -> None:
    limiter_logger = logging.getLogger("flask-limiter")
    if not any(isinstance(f, _Escalate) for f in limiter_logger.filters):
        limiter_logger.addFilter(_Escalate())


def status(limiter) -> dict:
    """The storage's health now (a live check), and the outages this worker has seen."""
    storage = getattr(limiter, "storage", None)
    try:
        healthy = storage is None or bool(storage.check())
    except Exception:  # noqa: BLE001 - any failure of the check is an outage
        healthy = False
    with _lock:
        return {"rate_limit_storage": "ok" if healthy else "down",
                "rate_limit_outages": _state["outages"]}
