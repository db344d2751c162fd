"""Worklist kinds of the joint assessment (AP-S1): apprentices due for the user's own verdict
and verdicts that disagree, each ONE aggregate query; the SQL they share with the overview.

The planned end is computed in SQL from the programme row plus approved extensions (AP-C3),
as status.services.planned_end does in Python (SQLite's month arithmetic can run a day or
two past a short month's end; PostgreSQL clamps, as period_end does).
"""

from datetime import date

import sqlalchemy as sa
from flask import url_for

from portal.apprenticeship.assessment import services as assessments
from portal.apprenticeship.assessment.access import party_programmes
from portal.extensions import db
from portal.models import (
    Assessment,
    ChangeState,
    Enrolment,
    EnrolmentState,
    Programme,
    ReviewState,
    Role,
    StatusChange,
    StatusChangeKind,
)
from portal.worklist.registry import WorkKind, register


def own_verdict(user):
    return (Assessment.enterprise_verdict if user.role == Role.ENTERPRISE
            else Assessment.institution_verdict)


def planned_end_sql() -> sa.ColumnElement:
    """AP-C3 in SQL: programme start + duration + approved extension months − 1 day."""
    extension = (sa.select(sa.func.coalesce(sa.func.sum(StatusChange.extension_months), 0))
                 .where(StatusChange.enrolment_id == Enrolment.id,
                        StatusChange.kind == StatusChangeKind.EXTEND,
                        StatusChange.state == ChangeState.APPROVED)
                 .correlate(Enrolment).scalar_subquery())
    months = Programme.duration_months + extension
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(Programme.start_date + sa.func.make_interval(0, sa.cast(months, sa.Integer))
                       - sa.text("interval '1 day'"), sa.Date)
    return sa.func.date(Programme.start_date, "+" + sa.cast(months, sa.String) + " months",
                        "-1 day", type_=sa.Date)


def due(day: date) -> sa.ColumnElement[bool]:
    """AP-S1: an apprentice in training whose planned end has come."""
    return sa.and_(Enrolment.state == EnrolmentState.ACTIVE, planned_end_sql() <= day)


def disagreeing() -> sa.ColumnElement[bool]:
    return sa.and_(Assessment.agreed_verdict.is_(None),
                   Assessment.enterprise_verdict.is_not(None),
                   Assessment.institution_verdict.is_not(None),
                   Assessment.enterprise_verdict != Assessment.institution_verdict)


def _due_aggregate(user) -> sa.Select:
    return (sa.select(sa.func.count(), sa.null())
            .select_from(Enrolment)
            .join(Programme, Programme.id == Enrolment.programme_id)
            .outerjoin(Assessment, Assessment.enrolment_id == Enrolment.id)
            .where(party_programmes(user), Programme.state == ReviewState.APPROVED,
                   due(assessments.today()), own_verdict(user).is_(None)))


def _disagreement_aggregate(user) -> sa.Select:
    return (sa.select(sa.func.count(), sa.func.min(Assessment.updated_at))
            .select_from(Assessment)
            .join(Programme, Programme.id == Assessment.programme_id)
            .where(party_programmes(user), disagreeing()))


def _overview_url(user) -> str:
    return url_for(f"{user.role}.assessments")


register(WorkKind("assessment-due", "待考核学徒", ("enterprise", "institution"),
                  _due_aggregate, _overview_url, rule_ids=("AP-S1",)))
register(WorkKind("assessment-disagreement", "考核意见不一致", ("enterprise", "institution"),
                  _disagreement_aggregate, _overview_url, rule_ids=("AP-S1",)))
