"""Factories of the expert review (HS-W3): a host, a submitted proposal, experts, scores.

Built straight from the models (the proposals' own services are another helper's), each
committing so the test client sees the rows.
"""

import itertools
from datetime import date, datetime

from portal.extensions import db
from portal.high_skill.review import rubric
from portal.models import (
    HsAssignment,
    HsCall,
    HsProposal,
    OrgKind,
    ProposalState,
    ReviewState,
    Role,
)
from tests.factories import make_org, make_user

_seq = itertools.count(1)
YEAR = 2026


def make_host():
    return make_org(OrgKind.ENTERPRISE, state=ReviewState.APPROVED, host_type="enterprise")


def make_call(year: int = YEAR) -> HsCall:
    call = HsCall(year=year, quarter=1, title=f"{year}年第一季度高技能人才研修项目征集",
                  directions="智能制造\n数字技术", opens_on=date(year, 1, 1),
                  closes_on=date(year, 3, 31))
    db.session.add(call)
    db.session.commit()
    return call


def make_proposal(host=None, *, state: ProposalState = ProposalState.SUBMITTED,
                  planned_trainees: int = 30, year: int = YEAR, call=None,
                  **fields) -> HsProposal:
    host = host or make_host()
    call = call or make_call(year)
    n = next(_seq)
    values = dict(
        call_id=call.id, host_id=host.id, year=year, title=f"数控加工新工艺研修{n}",
        direction="智能制造", occupations="6-18-01-01 车工", objectives="掌握五轴加工新工艺",
        content_new="五轴联动编程", content_problems="薄壁件变形", hours_onsite=40,
        hours_keynote=16, hours_seminar=16, hours_exchange=8, planned_trainees=planned_trainees,
        class_size=min(planned_trainees, 30), starts_on=date(year, 6, 1),
        ends_on=date(year, 6, 20), venue="北京市朝阳区实训基地", attests_no_subcontracting=True,
        state=state, submitted_at=datetime(year, 4, 1, 2, 0) if state != ProposalState.DRAFT
        else None,
    )
    values.update(fields)
    proposal = HsProposal(**values)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def make_expert(org=None, display_name: str | None = None):
    expert = make_user(Role.EXPERT, org=org)
    if display_name:
        expert.display_name = display_name
        db.session.commit()
    return expert


def centre_user():
    return make_user(Role.CENTER)


def default_rubric():
    rubric.ensure_default_rubric()
    db.session.commit()
    return rubric.criteria(active_only=True)


def assign(proposal, expert, scores: dict | None = None, total: int | None = None,
           opinion: str = "") -> HsAssignment:
    """An assignment row (scored when `scores` is given), bypassing the services."""
    a = HsAssignment(proposal_id=proposal.id, expert_id=expert.id, scores=scores, total=total,
                     opinion=opinion, scored_at=datetime(YEAR, 4, 5) if scores else None)
    db.session.add(a)
    db.session.commit()
    return a


def scored(proposal, expert, value: int = 80) -> HsAssignment:
    """A scored assignment: `value` on every default criterion (so the total is `value`)."""
    criteria = default_rubric()
    return assign(proposal, expert, {str(c.id): value for c in criteria}, value, "同意立项")
