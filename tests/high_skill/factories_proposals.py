"""Proposals (HS-W2) for any HS test: a valid annex-1 plan, a stored proposal in any state
(rows written directly, as a reviewer's test needs them), and the plan as posted form data.

Hosts and calls come from factories_calls (the calls helper's), so both agree on what an
approved host and an open call are.
"""

import itertools
from datetime import date, datetime

from portal import clock
from portal.extensions import db
from portal.models import HsCall, HsProposal, HsTeacher, ProposalState, TeacherKind, TrainingMode
from tests.high_skill.factories_calls import make_call, make_host

__all__ = ["make_call", "make_host", "plan", "form_data", "make_proposal", "closed_call"]

_seq = itertools.count(1)


def plan(year: int | None = None, **overrides) -> dict:
    """A plan that keeps every rule: 84 hours, 24 of seminars and exchanges, class of 25."""
    year = year or clock.today().year
    values = dict(
        title=f"五轴数控加工新工艺研修班{next(_seq)}", direction="智能制造",
        occupations="6-18-01-01 车工\n6-18-01-02 铣工", objectives="掌握五轴联动加工新工艺",
        content_new="五轴联动编程与在线测量", content_problems="薄壁件加工变形", mode="in_stages",
        hours_onsite=40, hours_keynote=12, hours_seminar=16, hours_exchange=8, hours_visit=4,
        hours_online=4, hours_reason="", planned_trainees=50, class_size=25,
        starts_on=date(year, 3, 2), ends_on=date(year, 11, 27), venue="北京市朝阳区实训基地",
        attests_no_subcontracting=True,
    )
    values.update(overrides)
    return values


def form_data(data: dict) -> dict:
    """The plan as the browser posts it (a checkbox left unticked is not sent)."""
    out = {}
    for name, value in data.items():
        if isinstance(value, bool):
            if value:
                out[name] = "y"
        elif isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = "" if value is None else str(value)
    return out


def closed_call(**fields) -> HsCall:
    """A call of this year that closed yesterday (or the day before, early in January)."""
    today = clock.today()
    start = date(today.year, 1, 1)
    end = max(start, date.fromordinal(today.toordinal() - 1))
    if end >= today:  # 1 January: the call of last year
        start, end = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return make_call(start, end, **fields)


def make_proposal(host, call: HsCall, *, state: ProposalState = ProposalState.DRAFT,
                  teachers: int = 1, **overrides) -> HsProposal:
    """A stored proposal of `host` (an organisation) replying to `call`."""
    values = plan(call.year, **overrides)
    values["mode"] = TrainingMode(values["mode"])
    proposal = HsProposal(call_id=call.id, host_id=host.id, year=call.year, state=state,
                          submitted_at=datetime(call.year, 1, 2) if state != ProposalState.DRAFT
                          else None, **values)
    db.session.add(proposal)
    db.session.flush()
    for n in range(teachers):
        db.session.add(HsTeacher(proposal_id=proposal.id, name=f"张教授{n}",
                                 kind=TeacherKind.EXPERT, title="教授", employer="北京工业大学",
                                 topic="五轴加工"))
    db.session.commit()
    return proposal
