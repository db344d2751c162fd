"""Shared set-up of the escalation tests: a programme, its parties and its district."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditLog, Notification
from tests.enrolment_factories import programme_parties
from tests.money.claim_helpers import centre, district_of
from tests.money_factories import approved_programme


class Parties:
    def __init__(self, programme=None):
        self.programme = programme or approved_programme()
        self.enterprise, self.institution = programme_parties(self.programme)
        self.district = district_of(self.programme)
        self.centre = centre()
        db.session.commit()


def text(response) -> str:
    return response.get_data(as_text=True)


def notified(user_id: int, kind: str | None = None) -> int:
    q = sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id)
    if kind:
        q = q.where(Notification.kind == kind)
    return db.session.scalar(q)


def audited(object_type: str, object_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == object_type, AuditLog.object_id == object_id)
        .order_by(AuditLog.id)))


def as_user(client, user):
    """A fresh test client of the same app logged in as `user` (one browser per person)."""
    from tests.factories import log_in

    return log_in(client.application.test_client(), user)
