"""Issue 14 item 9: payments and recoveries notify the enterprise in their own transaction."""

import sqlalchemy as sa

from portal.models import Notification, Organisation, Role
from portal.money import payments, recoveries
from tests.factories import make_user
from tests.money.payment_factories import (
    TODAY,
    approved_claim,
    centre_user,
    final_claim_with_recovery,
    make_fund,
)


def _messages(db, user, kind):
    return db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


def _enterprise_user(db, org_id):
    return make_user(Role.ENTERPRISE, org=db.session.get(Organisation, org_id))


def test_AP_5_payment_notifies_enterprise_with_link_to_claim(app, db, client, login):
    claim = approved_claim()
    owner = _enterprise_user(db, claim.enterprise_id)
    make_fund(1_000_000)
    payments.record_payment(centre_user(), claim, TODAY, "PZ-001")
    db.session.commit()
    [message] = _messages(db, owner, "payment")
    assert claim.number in message.title and str(claim.payable) in message.title
    login(owner)
    opened = client.post(f"/enterprise/notifications/{message.id}/open")
    assert opened.headers["Location"].endswith(f"/enterprise/claims/{claim.id}")


def test_AP_5_refused_payment_leaves_no_notification(app, db):
    claim = approved_claim()
    owner = _enterprise_user(db, claim.enterprise_id)
    make_fund(1_000_000)
    payments.record_payment(centre_user(), claim, TODAY, "PZ-001")
    db.session.rollback()
    assert _messages(db, owner, "payment") == []


def test_AP_4_repayment_notifies_enterprise(app, db):
    _claim, recovery = final_claim_with_recovery()
    owner = _enterprise_user(db, recovery.enterprise_id)
    recoveries.record_repayment(centre_user(), recovery, 1000, TODAY, "JK-1")
    db.session.commit()
    [message] = _messages(db, owner, "recovery")
    assert "1000" in message.title and "1500" in message.title
    assert (message.object_type, message.object_id) == ("recovery", recovery.id)


def test_AP_V3_recovery_order_notifies_enterprise(app, db):
    claim = approved_claim()
    owner = _enterprise_user(db, claim.enterprise_id)
    order = recoveries.open_order(centre_user(), amount=3000, reason="骗取补贴", day=TODAY,
                                  enterprise_id=claim.enterprise_id,
                                  district_code=claim.district_code,
                                  programme_id=claim.programme_id)
    db.session.commit()
    [message] = _messages(db, owner, "recovery")
    assert "3000" in message.title and message.body == "骗取补贴"
    assert message.object_id == order.id
