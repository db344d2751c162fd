"""What an auditor reads (AP-V4, HS-W10): its granted programmes and each one's records,
read-only. Nothing here accepts a POST; the page shows no button that changes anything."""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.clock import today
from portal.extensions import db
from portal.models import (
    Apprentice,
    Assessment,
    AuditGrant,
    CheckIn,
    Claim,
    ClassSession,
    CreditRecord,
    Enrolment,
    Occupation,
    Organisation,
    Payment,
    Programme,
    Recovery,
)
from portal.supervision.audits.access import audited_programmes, grants_for, open_grant
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block

T = "auditor/"
Enterprise = aliased(Organisation, name="enterprise")
Institution = aliased(Organisation, name="institution")


def _programme_rows(q: sa.Select) -> sa.Select:
    return (q.add_columns(Enterprise.name.label("enterprise_name"),
                          Institution.name.label("institution_name"),
                          Occupation.name.label("occupation_name"))
            .join(Enterprise, Enterprise.id == Programme.enterprise_id)
            .join(Institution, Institution.id == Programme.institution_id)
            .join(Occupation, Occupation.id == Programme.occupation_id))


def home():
    """The firm's open grants and the programmes they cover (one page of them)."""
    grants = db.session.execute(
        grants_for(current_user).where(open_grant(today()))
        .add_columns(Programme.start_date)
        .outerjoin(Programme, Programme.id == AuditGrant.programme_id)
        .order_by(AuditGrant.id.desc())).all()
    page = paginate_rows(_programme_rows(audited_programmes(current_user))
                         .order_by(Programme.start_date.desc(), Programme.id.desc()))
    return page_or_block(T + "home.html", "results", grants=grants, page=page)


def _load(programme_id: int) -> sa.Row:
    row = db.session.execute(_programme_rows(audited_programmes(current_user))
                             .where(Programme.id == programme_id)).first()
    if row is None:
        abort(404)
    return row


def programme(programme_id: int):
    """One granted programme: its apprentices (masked, C-PII) with attendance, credits and
    assessment, its sessions, and its ledger, in a fixed number of queries."""
    row = _load(programme_id)
    checkins = (sa.select(sa.func.count(CheckIn.id)).where(CheckIn.enrolment_id == Enrolment.id)
                .scalar_subquery())
    hours = (sa.select(sa.func.coalesce(sa.func.sum(CreditRecord.hours), 0))
             .where(CreditRecord.enrolment_id == Enrolment.id).scalar_subquery())
    page = paginate_rows(
        sa.select(Enrolment, Apprentice, Assessment.agreed_verdict,
                  checkins.label("checkins"), hours.label("hours"))
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .outerjoin(Assessment, Assessment.enrolment_id == Enrolment.id)
        .where(Enrolment.programme_id == programme_id).order_by(Enrolment.id))
    sessions = db.session.execute(
        sa.select(sa.func.count(ClassSession.id), sa.func.min(ClassSession.starts_at),
                  sa.func.max(ClassSession.starts_at))
        .where(ClassSession.programme_id == programme_id)).one()
    claims = db.session.execute(
        sa.select(Claim, Payment).outerjoin(Payment, Payment.claim_id == Claim.id)
        .where(Claim.programme_id == programme_id).order_by(Claim.id)).all()
    recoveries = list(db.session.scalars(
        sa.select(Recovery).where(Recovery.programme_id == programme_id).order_by(Recovery.id)))
    return page_or_block(T + "programme.html", "enrolments", row=row, p=row.Programme,
                         page=page, sessions=sessions, claims=claims, recoveries=recoveries)


ROUTES = {
    "auditor": (
        ("/programmes/<int:programme_id>", "programme", programme, ("GET",)),
    ),
}
