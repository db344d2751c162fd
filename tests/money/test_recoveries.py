"""AP-$4 recovery orders (追回): repayments, settlement, overdue, scopes; AP-W3 closing."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    AuditLog,
    Claim,
    ClaimKind,
    ClaimState,
    Organisation,
    Programme,
    Recovery,
    RecoveryState,
    Repayment,
    Role,
)
from tests.factories import make_user
from tests.money.payment_factories import (
    TODAY,
    approved_claim,
    centre_user,
    final_claim_with_recovery,
    make_fund,
)


def _repay(client, recovery, amount, voucher="JK-001", prefix="district"):
    return client.post(f"/{prefix}/recoveries/{recovery.id}/repay",
                       data={"amount": amount, "paid_on": TODAY.isoformat(),
                             "voucher_no": voucher})


def _fresh(model, id_):
    db.session.rollback()
    return db.session.get(model, id_)


def _district_of(recovery):
    return make_user(Role.DISTRICT, district=recovery.district_code)


def test_AP_4_repayment_settles_the_recovery(client, login):
    """AP-$4: two repayments of 1,000 and 1,500 settle a 2,500 recovery (audited)."""
    _claim, recovery = final_claim_with_recovery()
    login(_district_of(recovery))
    assert _repay(client, recovery, "1000").status_code == 302
    assert _fresh(Recovery, recovery.id).outstanding == 1500
    page = client.get(f"/district/recoveries/{recovery.id}").get_data(as_text=True)
    assert "JK-001" in page and "1500" in page
    assert _repay(client, recovery, "1,500", voucher="JK-002").status_code == 302
    settled = _fresh(Recovery, recovery.id)
    assert (settled.state, settled.repaid, settled.settled_at is not None) == (
        RecoveryState.SETTLED, 2500, True)
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "recovery").order_by(AuditLog.id)).all()
    assert actions == ["repay", "repay", "settle"]


def test_AP_4_overpayment_refused(client, login):
    _claim, recovery = final_claim_with_recovery()
    login(_district_of(recovery))
    page = _repay(client, recovery, "2501").get_data(as_text=True)
    assert "超过待追回金额2500元" in page and "（规则 AP-$4）" in page
    assert _fresh(Recovery, recovery.id).repaid == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Repayment)) == 0


@pytest.mark.parametrize("typed, message", [
    ("-100", "金额不能为负数"), ("12.5", "不能有小数"), ("0", "金额须大于0元"),
    ("两千", "请只填写数字"),
])
def test_C_MONEY_repayment_refuses_negative_fractional_zero_and_text(client, login, typed,
                                                                     message):
    """C-MONEY: every money form refuses what is not a positive whole number of yuan."""
    _claim, recovery = final_claim_with_recovery()
    login(_district_of(recovery))
    assert message in _repay(client, recovery, typed).get_data(as_text=True)
    assert _fresh(Recovery, recovery.id).repaid == 0


def test_AP_4_overdue_shown_and_filtered(client, login):
    """AP-$4: an open recovery past its due day is flagged and counted in the worklist."""
    _c1, late = final_claim_with_recovery(due_on=TODAY - timedelta(days=3))
    programme = db.session.get(Programme, late.programme_id)
    _c2, on_time = final_claim_with_recovery(due_on=TODAY + timedelta(days=30))
    login(_district_of(late))
    page = client.get("/district/recoveries?overdue=1").get_data(as_text=True)
    assert f'id="recovery-{late.id}"' in page and "已逾期" in page
    assert f'id="recovery-{on_time.id}"' not in page
    every = client.get("/district/recoveries").get_data(as_text=True)
    assert f'id="recovery-{on_time.id}"' in every and every.count("已逾期") == 1
    home = client.get("/district/").get_data(as_text=True)
    assert "追回逾期" in home
    client.post("/logout")
    owner = make_user(Role.ENTERPRISE,
                      org=db.session.get(Organisation, programme.enterprise_id))
    login(owner)
    own = client.get("/enterprise/recoveries").get_data(as_text=True)
    assert f'id="recovery-{late.id}"' in own and f'id="recovery-{on_time.id}"' not in own
    # The enterprise reads, it does not record repayments.
    assert client.post(f"/enterprise/recoveries/{late.id}/repay",
                       data={"amount": "1"}).status_code in (403, 404, 405)


def test_AP_4_other_district_gets_404(client, login):
    """C-DIST: a recovery of another district is not found, to read or to repay."""
    _claim, recovery = final_claim_with_recovery()
    login(make_user(Role.DISTRICT, district="110108"))
    assert client.get(f"/district/recoveries/{recovery.id}").status_code == 404
    assert _repay(client, recovery, "100").status_code == 404
    assert f'id="recovery-{recovery.id}"' not in client.get(
        "/district/recoveries").get_data(as_text=True)


def test_AP_W3_programme_closes_when_final_claim_paid_and_recoveries_settled(client, login):
    """AP-W3, AP-$4: paying the final claim leaves the programme open while a recovery is
    open; the repayment that settles it closes the programme (audited "close")."""
    claim, recovery = final_claim_with_recovery()
    make_fund(100000)
    login(centre_user())
    paid = client.post(f"/center/payments/claims/{claim.id}",
                       data={"paid_on": TODAY.isoformat(), "voucher_no": "PZ-9"})
    assert paid.status_code == 302
    assert _fresh(Claim, claim.id).state == ClaimState.PAID
    assert _fresh(Programme, claim.programme_id).closed_on is None
    assert _repay(client, recovery, "2500", prefix="center").status_code == 302
    assert _fresh(Programme, claim.programme_id).closed_on == TODAY
    closes = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "programme", AuditLog.action == "close")).all()
    assert [c.object_id for c in closes] == [claim.programme_id]


def test_AP_W3_zero_final_claim_is_paid_without_parts_and_closes(client, login):
    """A final claim that only recovers pays 0 (no fund drawn); with its recovery settled
    first, the payment closes the programme."""
    claim = approved_claim(headcount=1, kind=ClaimKind.FINAL, amounts=[-2500])
    from tests.money.payment_factories import recovery_of

    (recovery,) = recovery_of(claim)
    login(centre_user())
    assert _repay(client, recovery, "2500", prefix="center").status_code == 302
    assert _fresh(Programme, claim.programme_id).closed_on is None
    paid = client.post(f"/center/payments/claims/{claim.id}",
                       data={"paid_on": TODAY.isoformat(), "voucher_no": "PZ-0"})
    assert paid.status_code == 302
    assert "未列支资金" in client.get(paid.headers["Location"]).get_data(as_text=True)
    assert _fresh(Programme, claim.programme_id).closed_on == TODAY


def test_AP_4_recovery_list_runs_constant_queries(client, login, count_queries):
    """The recovery list costs the same number of queries for 1 order as for 5."""
    login(centre_user())
    final_claim_with_recovery()
    with count_queries() as few:
        assert client.get("/center/recoveries").status_code == 200
    for _ in range(4):
        final_claim_with_recovery()
    with count_queries() as many:
        page = client.get("/center/recoveries").get_data(as_text=True)
    assert page.count('<tr id="recovery-') == 5
    assert len(many) == len(few)
