"""HS-W3: what the centre reads before deciding: each expert's scores per criterion, total
and opinion side by side, the mean and spread of the totals, and the HS-P4 flag."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.high_skill.review import rubric
from portal.models import HsAssignment, HsCriterion, HsProposal, HsTeacher, User
from portal.rules.high_skill import hs_hours_problems, hs_score_spread


@dataclass(frozen=True)
class ExpertScore:
    assignment_id: int
    expert_name: str
    scores: dict[str, int]
    total: int | None
    opinion: str
    scored_at: datetime | None


@dataclass(frozen=True)
class ReviewSummary:
    criteria: list[HsCriterion]
    experts: list[ExpertScore]
    mean: float | None
    spread: int | None

    @property
    def scored(self) -> list[ExpertScore]:
        return [e for e in self.experts if e.scored_at is not None]


def hours_flag(proposal: HsProposal) -> list[str]:
    """HS-P4 (guidance): ["HS-P4"] when the plan has fewer hours than the policy's "一般"."""
    return hs_hours_problems(proposal.total_hours, proposal.seminar_exchange_hours)


def review_summary(proposal: HsProposal) -> ReviewSummary:
    """Two queries: the assignments with their experts, and the rubric."""
    rows = db.session.execute(
        sa.select(HsAssignment, User.display_name)
        .join(User, User.id == HsAssignment.expert_id)
        .where(HsAssignment.proposal_id == proposal.id)
        .order_by(HsAssignment.assigned_at, HsAssignment.id)
    ).all()
    experts = [ExpertScore(a.id, name, dict(a.scores or {}), a.total, a.opinion, a.scored_at)
               for a, name in rows]
    used = {key for e in experts for key in e.scores}
    # Active criteria, and any retired one an expert of this proposal still scored on.
    shown = [c for c in rubric.criteria() if c.active or str(c.id) in used]
    mean, spread = hs_score_spread([e.total for e in experts
                                    if e.scored_at is not None and e.total is not None])
    return ReviewSummary(shown, experts, mean, spread)


def teachers(proposal: HsProposal) -> list[HsTeacher]:
    return list(db.session.scalars(
        sa.select(HsTeacher).where(HsTeacher.proposal_id == proposal.id).order_by(HsTeacher.id)))
