"""C-PII: no resident ID number or mobile reaches a log, whoever logs it.

A database error's message quotes the failing row (PostgreSQL's DETAIL: Key (resident_id)=…),
a traceback quotes the statement. Masking at record creation covers every logger and every
handler (gunicorn's, pytest's, the console) without each having to install a filter; the
traceback is formatted and masked there too, and handlers then reuse that text.
"""

import logging
import traceback

from portal.rules import mask_pii_text

_installed = False


def _masked(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is logged as it came
        return record
    record.msg, record.args = mask_pii_text(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = mask_pii_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_pii_text(record.stack_info)
    return record


def install() -> None:
    """Wrap the log-record factory once per process."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        return _masked(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
