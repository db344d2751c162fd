"""AP-V2: suspension with a rectification order (停训整改), what it stops, and its lifting."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.apprenticeship.enrolment import importer
from portal.apprenticeship.programmes import suspension
from portal.apprenticeship.training import attendance
from portal.clock import today
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import ClassSession, Enrolment, Programme, Rectification, SubsidyAccount
from portal.money.ledger.holds import holds_for
from portal.supervision.escalation import summons as summons_svc
from tests.enrolment_factories import sheet_row, xlsx
from tests.money_factories import established
from tests.supervision.escalation.escalation_helpers import (
    Parties,
    as_user,
    audited,
    notified,
    text,
)


def _suspended(w: Parties, **kwargs) -> Rectification:
    order = suspension.suspend(w.district, w.programme, "培训不规范", **kwargs)
    db.session.commit()
    return order


def test_AP_V2_suspension_writes_a_rectification_order_and_notifies_both_parties(client):
    w = Parties()
    held = summons_svc.record(w.district, w.programme, held_on=today(), attendees="张某",
                              reason="流失率高")
    db.session.commit()
    deadline = today() + timedelta(days=14)
    client = as_user(client, w.district)
    page = text(client.get(f"/district/programmes/{w.programme.id}"))
    assert 'name="deadline"' in page and f'value="{held.id}"' in page
    response = client.post(f"/district/programmes/{w.programme.id}/suspend", data={
        "reason": "拒不整改", "order_text": "补齐双导师", "deadline": deadline.isoformat(),
        "summons_id": str(held.id)})
    assert response.status_code == 302
    db.session.expire_all()
    order = db.session.scalar(sa.select(Rectification))
    assert (order.deadline, order.order_text, order.summons_id, order.lifted_on) == (
        deadline, "补齐双导师", held.id, None)
    assert db.session.get(Programme, w.programme.id).suspended_on == today()
    assert notified(w.enterprise.id, "suspension") == 1
    assert notified(w.institution.id, "suspension") == 1
    page = text(client.get(f"/district/programmes/{w.programme.id}"))
    assert f'id="record-rectification-{order.id}"' in page and "补齐双导师" in page


def test_AP_V2_deadline_before_the_order_is_refused(client):
    w = Parties()
    with pytest.raises(ServiceError, match="AP-V2"):
        suspension.suspend(w.district, w.programme, "x", deadline=today() - timedelta(days=1))
    db.session.rollback()
    client = as_user(client, w.district)
    response = client.post(f"/district/programmes/{w.programme.id}/suspend", data={
        "reason": "x", "deadline": "2026-02-30"}, follow_redirects=True)
    assert "整改期限格式不正确" in text(response)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rectification)) == 0
    assert db.session.get(Programme, w.programme.id).suspended_on is None


def test_AP_V2_lifting_records_on_the_open_order_and_notifies(app):
    w = Parties()
    order = _suspended(w)
    suspension.lift(w.district, w.programme, "已整改到位")
    db.session.commit()
    db.session.refresh(order)
    assert (order.lifted_on, order.lift_note, order.lifted_by_id) == (
        today(), "已整改到位", w.district.id)
    assert notified(w.enterprise.id, "suspension_lifted") == 1
    assert notified(w.institution.id, "suspension_lifted") == 1
    assert audited("programme", w.programme.id)[-2:] == ["suspend", "lift"]
    second = _suspended(w)  # a new suspension gets a new order
    assert second.id != order.id and second.lifted_on is None


def test_AP_V2_suspended_programme_opens_no_session(app):
    w = Parties()
    _suspended(w)
    with pytest.raises(ServiceError, match="AP-V2"):
        attendance.open_session(w.institution, w.programme, "理论课",
                                datetime(2026, 12, 3, 1, 0), 10)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassSession)) == 0
    suspension.lift(w.district, w.programme)
    db.session.commit()
    attendance.open_session(w.institution, w.programme, "理论课", datetime(2026, 12, 3, 1, 0), 10)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassSession)) == 1


def test_AP_V2_suspended_programme_session_refused_by_url(client):
    w = Parties()
    _suspended(w)
    client = as_user(client, w.enterprise)
    response = client.post("/enterprise/sessions/new", data={
        "programme_id": w.programme.id, "title": "岗位实训", "starts_at": "2026-12-03T14:00",
        "late_after_minutes": "10"}, follow_redirects=True)
    assert "（规则 AP-V2）" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassSession)) == 0


def test_AP_V2_suspended_programme_imports_no_one(app, tmp_path):
    w = Parties()
    _suspended(w)
    with pytest.raises(ServiceError, match="AP-V2"):
        importer.apply(w.enterprise, w.programme, xlsx([sheet_row()]))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 0


def test_AP_V2_held_money_names_the_suspension_and_its_deadline(app):
    w = Parties()
    _e, account = established(w.programme)
    deadline = today() + timedelta(days=20)
    _suspended(w, deadline=deadline)
    found = holds_for([db.session.get(SubsidyAccount, account.id)], today())[account.id]
    for hold in (found.prepayment, found.remainder):
        assert hold.rule == "AP-V2"
        assert today().isoformat() in hold.message and deadline.isoformat() in hold.message


def test_AP_V2_open_order_is_unique_per_programme(app):
    """The partial unique index: a second open order of the same programme is refused by
    the database, not only by the service."""
    w = Parties()
    order = _suspended(w)
    db.session.add(Rectification(programme_id=w.programme.id, district_code=order.district_code,
                                 ordered_on=today(), deadline=today(), order_text="x"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_AP_V2_centre_sees_rectifications_and_peer_district_does_not(client):
    w = Parties()
    order = _suspended(w)
    centre = as_user(client, w.centre)
    assert f'id="rectification-{order.id}"' in text(centre.get("/center/rectifications"))
    from tests.factories import make_user

    peer = make_user(w.district.role, district="110108")
    db.session.commit()
    other = as_user(client, peer)
    assert f'id="rectification-{order.id}"' not in text(other.get("/district/rectifications"))
    assert other.post(f"/district/programmes/{w.programme.id}/lift-suspension").status_code == 404
