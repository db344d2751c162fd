"""Who sees and acts on calls (HS-W1).

The centre sees and manages every call. A host sees the calls that have opened (the one it
replied to stays readable after it closes); nobody else has a part in them.
"""

import sqlalchemy as sa

from portal.clock import today
from portal.core.access import register
from portal.high_skill.access import is_host_user
from portal.models import HsCall, Role


def calls_for(user) -> sa.Select:
    q = sa.select(HsCall)
    if user.role == Role.CENTER:
        return q
    if is_host_user(user):
        return q.where(HsCall.opens_on <= today())
    return q.where(sa.false())


def _call_permissions(user, call: HsCall) -> dict[str, bool]:
    center = user.role == Role.CENTER
    # A call that has closed is history: its dates and directions are what hosts replied to.
    current = call.closes_on >= today()
    return {
        "view": center or (is_host_user(user) and call.opens_on <= today()),
        "edit_call": center and current,
        "close_call": center and current,
    }


register(HsCall, calls_for, _call_permissions)
