"""Two service calls at the same moment, each in its own session (PostgreSQL races)."""

import os
import threading
from collections.abc import Callable

import pytest

from portal.core.errors import ServiceError

needs_postgres = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                    reason="a real race needs PostgreSQL's row locks")


def at_once(app, db, *calls: Callable[[], object]) -> list[str]:
    """Run each call in its own thread and app context, released together by a barrier.

    Each call commits on success ("ok") or rolls back on a refusal (its message).
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                call()
                db.session.commit()
                outcomes.append("ok")
            except ServiceError as err:
                db.session.rollback()
                outcomes.append(err.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
