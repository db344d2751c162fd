"""The hosts' worklist kind (HS-W1): the calls open today, on their home page.

Only an organisation that may host is prompted (a confirmed one that was not disqualified,
HS-H1 / HS-$2); the count is the open-calls page's own list.
"""

import sqlalchemy as sa
from flask import url_for

from portal import clock
from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.calls.services import open_calls_query
from portal.models import Organisation, ReviewState
from portal.worklist.registry import WorkKind, register


def _open_calls_aggregate(user) -> sa.Select:
    may_host = sa.exists().where(Organisation.id == user.org_id,
                                 Organisation.state == ReviewState.APPROVED,
                                 Organisation.hs_disqualified_at.is_(None))
    # A call has no "waiting since": the list itself says when each closes.
    return (open_calls_query(clock.today()).where(may_host).order_by(None)
            .with_only_columns(sa.func.count(), sa.null()))


OPEN_CALLS = register(WorkKind(
    "hs-open-calls", "高技能人才研修项目征集中", HOST_BLUEPRINTS,
    _open_calls_aggregate,
    lambda user: url_for(f"{user.role}.hs_open_calls"),
    rule_ids=("HS-W1",),
))
