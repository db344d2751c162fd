"""The centre's list of hosts (HS-H1, HS-$2): confirmed organisations that host or may host,
with their proposals and whether they were disqualified. Read-only; disqualifying is the
funding and checks area's action."""

import sqlalchemy as sa
from flask import request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.high_skill.access import proposals_for
from portal.models import HostType, HsProposal, Organisation, OrgKind, ReviewState
from portal.orgs.access import organisations_for
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, RoleView, Route

VIEW = RoleView(blueprint="center")
HOST_TYPE_LABELS = {t.value: t.label for t in HostType}


def hosts_query(user, *, disqualified_only: bool = False, q: str = "") -> sa.Select:
    """(Organisation, proposals) of the confirmed organisations registered as hosts or with a
    proposal; one query with the counts, so a page costs the same for any number of rows."""
    counts = (proposals_for(user).with_only_columns(HsProposal.host_id,
                                                     sa.func.count().label("n"))
              .group_by(HsProposal.host_id).subquery("proposals"))
    scope = organisations_for(user).subquery("scope")
    stmt = (sa.select(Organisation, sa.func.coalesce(counts.c.n, 0).label("proposals"))
            .join(scope, scope.c.id == Organisation.id)
            .outerjoin(counts, counts.c.host_id == Organisation.id)
            .options(joinedload(Organisation.district))
            .where(Organisation.state == ReviewState.APPROVED,
                   sa.or_(Organisation.kind == OrgKind.HOST, counts.c.n.is_not(None))))
    if disqualified_only:
        stmt = stmt.where(Organisation.hs_disqualified_at.is_not(None))
    if q:
        stmt = stmt.where(Organisation.name.contains(q, autoescape=True))
    return stmt.order_by(Organisation.hs_disqualified_at.desc().nulls_last(),
                         Organisation.name, Organisation.id)


def hosts():
    disqualified_only = request.args.get("disqualified") == "1"
    q = request.args.get("q", "").strip()[:60]
    page = paginate_rows(hosts_query(current_user, disqualified_only=disqualified_only, q=q))
    return page_or_block("high_skill/calls/hosts.html", "results", view=VIEW, page=page,
                         disqualified_only=disqualified_only, q=q,
                         host_type_labels=HOST_TYPE_LABELS)


CENTER_ROUTES: tuple[Route, ...] = (("/hs/hosts", "hs_hosts", hosts, GET),)
