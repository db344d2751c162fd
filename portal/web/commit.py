"""The one commit of a request: run a service call, commit, or roll back and say why.

Services flush and never commit; a view commits exactly once. A refusal (a ServiceError or a
rule's RuleViolation) rolls the whole transaction back and reaches the user in Chinese: as a
flash message, onto a form's errors, or left to the caller (an htmx toast) through `.error`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash

from portal import rules
from portal.core.errors import ServiceError
from portal.extensions import db

REFUSALS = (ServiceError, rules.RuleViolation)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    value: Any = None
    error: str | None = None
    refusal: Exception | None = None

    def __bool__(self) -> bool:
        return self.ok


def refusal_message(err: Exception) -> str:
    return getattr(err, "message", None) or str(err)


def commit_or_refuse(action: Callable[[], Any], *, done: str | None = None, form=None,
                     flash_error: bool = True) -> Outcome:
    """`action()` then commit (flashing `done`); on a refusal roll back and report it.

    With `form` the refusal goes to `form.form_errors` instead of a flash; with
    `flash_error=False` it is only returned (the caller shows it, e.g. in a toast).
    """
    try:
        value = action()
    except REFUSALS as err:
        db.session.rollback()
        message = refusal_message(err)
        if form is not None:
            form.form_errors.append(message)
        elif flash_error:
            flash(message, "error")
        return Outcome(False, error=message, refusal=err)
    db.session.commit()
    if done:
        flash(done, "success")
    return Outcome(True, value=value)
