"""What a programme's page and an organisation's page show of supervision (AP-V2, AP-V3):
the summons, the rectification orders, the fraud cases and their recovery orders.

Read only; a constant number of queries, and only for district (own) and centre staff.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.core.access import can
from portal.extensions import db
from portal.models import FraudCase, Programme, Recovery, Rectification, Role, Summons
from portal.supervision.escalation import fraud, summons
from portal.supervision.escalation.access import (
    fraud_cases_for,
    may_record_fraud,
    may_record_summons,
)


@dataclass
class ProgrammeRecord:
    summonses: list = field(default_factory=list)
    rectifications: list = field(default_factory=list)
    fraud_cases: list = field(default_factory=list)
    recoveries: list = field(default_factory=list)
    may_summon: bool = False
    may_record_fraud: bool = False
    blueprint: str = "district"

    @property
    def open_summonses(self) -> list:
        return [s for s in self.summonses if s.state != "corrected"]


def staff(user) -> bool:
    return user.is_authenticated and user.role in (Role.DISTRICT, Role.CENTER)


def _counts(pid: int) -> sa.Row:
    """One statement for the common case of a programme nobody has summoned or suspended."""
    def count(model, *where):
        return (sa.select(sa.func.count()).select_from(model)
                .where(model.programme_id == pid, *where).scalar_subquery())
    return db.session.execute(sa.select(
        count(Summons), count(Rectification), count(FraudCase),
        count(Recovery, Recovery.claim_line_id.is_(None)))).one()


def programme_record(user, programme: Programme) -> ProgrammeRecord | None:
    """监督记录 of one programme for its district or the centre (None for anyone else)."""
    if not staff(user) or not can(user, "view", programme):  # C-DIST: own district only
        return None
    pid = programme.id
    summonses, rectifications, cases, recoveries = _counts(pid)
    return ProgrammeRecord(
        summonses=summons.summonses_of(pid) if summonses else [],
        rectifications=list(db.session.scalars(
            sa.select(Rectification).where(Rectification.programme_id == pid)
            .order_by(Rectification.ordered_on.desc(), Rectification.id.desc())))
        if rectifications else [],
        fraud_cases=fraud.cases_of_programme(pid) if cases else [],
        recoveries=fraud.recoveries_of_programme(pid) if recoveries else [],
        may_summon=may_record_summons(user, programme),
        may_record_fraud=may_record_fraud(user, programme),
        blueprint=user.role.value,
    )


def org_fraud_cases(user, org_id: int) -> list[FraudCase]:
    """AP-V3: the organisation's "存在骗取补贴记录" flag, from its fraud cases in the user's
    scope (a district sees its own district's cases)."""
    if not user.is_authenticated:
        return []
    return list(db.session.scalars(
        fraud_cases_for(user).where(FraudCase.organisation_id == org_id)
        .order_by(FraudCase.found_on.desc(), FraudCase.id.desc())))
