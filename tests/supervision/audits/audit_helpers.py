"""Factories for the audit and evaluation tests: firms, auditors, grants, scored sheets."""

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    AuditGrant,
    EvaluationIndicator,
    OrgKind,
    ReviewState,
    Role,
)
from tests.factories import make_org, make_user
from tests.programme_factories import make_programme


def make_firm():
    return make_org(OrgKind.AUDIT_FIRM, state=ReviewState.APPROVED, size=None)


def make_auditor(firm=None):
    return make_user(Role.AUDITOR, org=firm or make_firm())


def centre():
    return make_user(Role.CENTER)


def approved_programme(start: date = date(2026, 3, 1), **fields):
    return make_programme(state=ReviewState.APPROVED, start_date=start, **fields)


def grant(firm, *, programme=None, year=None, expires_on=None, revoked=False):
    from portal.models.base import utcnow

    row = AuditGrant(firm_id=firm.id, programme_id=programme.id if programme else None,
                     year=year, expires_on=expires_on, revoked_at=utcnow() if revoked else None)
    db.session.add(row)
    db.session.commit()
    return row


def only_indicators(*max_scores: int) -> list[EvaluationIndicator]:
    """Exactly these active indicators (the migration's defaults switched off)."""
    db.session.execute(sa.update(EvaluationIndicator).values(active=False))
    made = []
    for n, score in enumerate(max_scores):
        made.append(EvaluationIndicator(code=f"T{n}-{id(made) % 10000}", name=f"测试指标{n}",
                                        max_score=score, position=n, active=True))
    db.session.add_all(made)
    db.session.commit()
    return made
