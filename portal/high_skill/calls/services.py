"""HS-W1 calls for projects, and HS-H1 / HS-$2: whether an organisation may host today.

`open_calls(on)` and `call_is_open(call, on)` are what a proposal's submission checks;
`host_problems(org)` is the one answer to "may this organisation host a project now".
"""

from datetime import date, timedelta

import sqlalchemy as sa

from portal import clock, rules
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import HsCall, Organisation, ReviewState, Role
from portal.models.base import utcnow
from portal.rules.high_skill import hs_call_open, hs_call_problems, hs_host_problems

OBJECT_TYPE = "hs_call"
CALL_FIELDS = {
    "year": "年度",
    "quarter": "季度",
    "title": "征集名称",
    "directions": "专业方向",
    "opens_on": "开始日期",
    "closes_on": "截止日期",
}
CLOSED_ALREADY = "该征集已截止，不能再修改或截止"


# ------------------------------------------------------------------------------ reading


def call_is_open(call: HsCall, on: date) -> bool:
    """HS-W1, HS-W2: the call takes proposals on `on` (opening and closing days included)."""
    return hs_call_open(call.opens_on, call.closes_on, on)


def open_calls_query(on: date) -> sa.Select:
    """The calls open on `on`, the one closing first on top (it needs a reply soonest)."""
    return (sa.select(HsCall)
            .where(HsCall.opens_on <= on, HsCall.closes_on >= on)
            .order_by(HsCall.closes_on, HsCall.id))


def open_calls(on: date) -> list[HsCall]:
    return list(db.session.scalars(open_calls_query(on)))


def host_problems(org: Organisation | None) -> list[str]:
    """HS-H1, HS-$2: the rule IDs why `org` may not host (submit a proposal) now; [] if it may.

    It must be a confirmed (centre-approved) organisation of a kind that hosts and an
    independent legal person (HS-H1), and not disqualified for fraud (HS-$2).
    """
    if org is None:
        return ["HS-H1"]
    found = hs_host_problems(str(org.kind), org.host_type, org.independent_legal_person)
    if org.state != ReviewState.APPROVED:
        found.append("HS-H1")
    if org.hs_disqualified_at is not None:
        found.append("HS-$2")
    return rules.in_catalogue_order(dict.fromkeys(found))


def check_host(org: Organisation | None) -> None:
    """Raise the HS-H1 / HS-$2 refusal a proposal's submission answers with."""
    problems = host_problems(org)
    if problems:
        raise rules.RuleViolation(problems)


# ------------------------------------------------------------------------------ changing


def _checked(fields: dict, on: date) -> dict:
    """The form's checks again: a call is also created from seeds and scripts."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"not call fields: {sorted(unknown)}")
    problems = hs_call_problems(fields["year"], fields["quarter"], fields["opens_on"],
                                fields["closes_on"], on)
    if problems:
        raise ServiceError("；".join(reason for _field, reason in problems))
    title = (fields.get("title") or "").strip()
    directions = "\n".join(line.strip() for line in (fields.get("directions") or "").splitlines()
                           if line.strip())
    if not title or not directions:
        raise ServiceError("请填写征集名称和至少一个专业方向（规则 HS-W1）")
    return {**fields, "title": title, "directions": directions}


def _require_center(actor) -> None:
    if actor.role != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以发布征集（规则 HS-W1）")


def create_call(actor, fields: dict) -> HsCall:
    """HS-W1: the centre opens a call for a year and quarter with its directions; audited."""
    _require_center(actor)
    call = HsCall(**_checked(fields, clock.today()), created_by_id=actor.id)
    db.session.add(call)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, call.id, "create",
                 comment=f"{call.year}年第{call.quarter}季度，{call.opens_on}至{call.closes_on}")
    db.session.flush()
    return call


def update_call(actor, call: HsCall, fields: dict) -> HsCall:
    """HS-W1: the centre corrects a call that has not closed; the audit names what changed."""
    if not can(actor, "edit_call", call):
        raise NotAllowed(CLOSED_ALREADY if actor.role == Role.CENTER else "您无权修改征集")
    values = _checked(fields, clock.today())
    changed = [label for name, label in CALL_FIELDS.items() if getattr(call, name) != values[name]]
    for name, value in values.items():
        setattr(call, name, value)
    audit.record(actor, OBJECT_TYPE, call.id, "edit",
                 comment="修改：" + "、".join(changed) if changed else "保存（无改动）")
    db.session.flush()
    return call


def close_call(actor, call: HsCall) -> HsCall:
    """HS-W1: the centre ends a call early; it takes no proposal from today on.

    There is no separate "closed" flag: the closing date becomes yesterday, so every reader
    (`call_is_open`, the hosts' list) agrees at once. A call that opened today or has not
    opened yet gets yesterday as its opening day too (it never takes a proposal); the audit
    row keeps the dates it had.
    """
    if not can(actor, "close_call", call):
        raise NotAllowed(CLOSED_ALREADY if actor.role == Role.CENTER else "您无权截止征集")
    before = f"原征集期{call.opens_on}至{call.closes_on}"
    yesterday = clock.today() - timedelta(days=1)
    # Guarded: two clicks (or a click racing an edit) close it once.
    changed = db.session.execute(
        sa.update(HsCall)
        .where(HsCall.id == call.id, HsCall.closes_on >= clock.today())
        .values(closes_on=yesterday, updated_at=utcnow(),
                opens_on=sa.case((HsCall.opens_on > yesterday, yesterday),
                                 else_=HsCall.opens_on))
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ServiceError(CLOSED_ALREADY)
    db.session.refresh(call)
    audit.record(actor, OBJECT_TYPE, call.id, "close_call", comment=f"提前截止；{before}")
    db.session.flush()
    return call
