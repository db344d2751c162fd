"""The centre's worklist kind for high-skill hosts waiting for confirmation (HS-H1).

Their submission goes straight to the centre (no district step), so the centre's re-review
kind (district-approved records) does not count them.
"""

import sqlalchemy as sa
from flask import url_for

from portal.models import Organisation, OrgKind, ReviewState
from portal.orgs.access import organisations_for
from portal.worklist.registry import WorkKind, register

HOSTS_AWAITING = register(WorkKind(
    "center-hs-hosts", "承办单位注册待确认", ("center",),
    lambda user: organisations_for(user)
    .where(Organisation.kind == OrgKind.HOST, Organisation.state == ReviewState.SUBMITTED)
    .with_only_columns(sa.func.count(), sa.func.min(Organisation.submitted_at)),
    lambda user: url_for("center.organisations", status=ReviewState.SUBMITTED.value,
                         kind=OrgKind.HOST.value),
    rule_ids=("HS-H1", "C-REV"),
))
