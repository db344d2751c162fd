"""AP-$5, AP-W4: the centre records the payment of an approved claim, drawn from the funds."""

from datetime import timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    AuditLog,
    Claim,
    ClaimState,
    Fund,
    FundSource,
    Payment,
    PaymentPart,
    Programme,
    Role,
)
from tests.factories import make_user
from tests.money.payment_factories import TODAY, approved_claim, centre_user, make_fund
from tests.money_factories import approved_programme


def _pay(client, claim_id, voucher="PZ-2026-001", paid_on=TODAY):
    return client.post(f"/center/payments/claims/{claim_id}",
                       data={"paid_on": paid_on.isoformat(), "voucher_no": voucher})


def _fresh(model, id_):
    db.session.rollback()
    return db.session.get(model, id_)


def _parts(claim_id):
    db.session.rollback()
    return db.session.execute(
        sa.select(Fund.source, PaymentPart.amount).join(Fund, Fund.id == PaymentPart.fund_id)
        .join(Payment, Payment.id == PaymentPart.payment_id)
        .where(Payment.claim_id == claim_id).order_by(PaymentPart.id)).all()


def test_AP_5_payment_draws_special_account_first_then_employment_fund(client, login):
    """AP-$5: 3 × 2,500 against 4,000 in the special account: 4,000 + 3,500, each part
    records its source; the list showed that split before paying."""
    claim = approved_claim(headcount=3)
    special = make_fund(4000)
    employment = make_fund(100000, FundSource.EMPLOYMENT_FUND)
    login(centre_user())
    listing = client.get("/center/payments").get_data(as_text=True)
    assert claim.number in listing and "职业技能提升行动专账结余资金 4000" in listing
    assert "就业补助资金 3500" in listing
    response = _pay(client, claim.id)
    assert response.status_code == 302
    assert _parts(claim.id) == [(FundSource.SPECIAL_ACCOUNT, 4000),
                                (FundSource.EMPLOYMENT_FUND, 3500)]
    assert _fresh(Fund, special.id).drawn == 4000
    assert _fresh(Fund, employment.id).drawn == 3500
    assert _fresh(Claim, claim.id).state == ClaimState.PAID
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "PZ-2026-001" in detail and "7500" in detail and "就业补助资金" in detail
    assert claim.number not in client.get("/center/payments").get_data(as_text=True)
    actions = db.session.scalars(sa.select(AuditLog.object_type + ":" + AuditLog.action)
                                 .order_by(AuditLog.id)).all()
    assert "claim:pay" in actions and "payment:pay" in actions


def test_AP_5_fund_exhausted_refuses_the_whole_payment(client, login):
    """AP-$5: not enough left in both funds → refused in Chinese, nothing half-written."""
    claim = approved_claim(headcount=2)
    special = make_fund(3000)
    employment = make_fund(1000, FundSource.EMPLOYMENT_FUND)
    login(centre_user())
    page = _pay(client, claim.id).get_data(as_text=True)
    assert "资金余额不足" in page and "（规则 AP-$5）" in page
    assert _fresh(Claim, claim.id).state == ClaimState.APPROVED
    assert _fresh(Fund, special.id).drawn == 0 and _fresh(Fund, employment.id).drawn == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 0


def test_AP_5_no_fund_recorded_for_the_year_refuses(client, login):
    claim = approved_claim()
    make_fund(100000, year=TODAY.year - 1)
    login(centre_user())
    page = _pay(client, claim.id).get_data(as_text=True)
    assert f"尚未登记{TODAY.year}年" in page
    assert _fresh(Claim, claim.id).state == ClaimState.APPROVED


def test_AP_W4_claim_paid_once(client, login):
    """AP-W4: the second record_payment of the same claim is refused; one Payment."""
    claim = approved_claim()
    fund = make_fund(100000)
    login(centre_user())
    assert _pay(client, claim.id).status_code == 302
    again = _pay(client, claim.id, voucher="PZ-AGAIN")
    assert "不能重复记录拨付（规则 AP-W4）" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 1
    assert _fresh(Fund, fund.id).drawn == 2500


def test_AP_5_payment_form_refuses_future_date_and_missing_voucher(client, login):
    claim = approved_claim()
    make_fund(100000)
    login(centre_user())
    assert "拨付日期不能晚于今天" in _pay(
        client, claim.id, paid_on=TODAY + timedelta(days=1)).get_data(as_text=True)
    assert "请填写拨付凭证号" in _pay(client, claim.id, voucher="").get_data(as_text=True)
    assert _fresh(Claim, claim.id).state == ClaimState.APPROVED


def test_AP_V2_suspended_programme_is_not_paid(client, login):
    """AP-V2: a suspended programme's money is held."""
    programme = approved_programme()
    claim = approved_claim(programme)
    make_fund(100000)
    db.session.get(Programme, programme.id).suspended_on = TODAY
    db.session.commit()
    login(centre_user())
    assert "（规则 AP-V2）" in _pay(client, claim.id).get_data(as_text=True)
    assert _fresh(Claim, claim.id).state == ClaimState.APPROVED


def test_AP_W4_only_the_centre_pays_and_others_see_only_their_own(client, login):
    """C-DIST: a district may read its own payment, another district gets 404."""
    claim = approved_claim()
    make_fund(100000)
    login(centre_user())
    payment_url = _pay(client, claim.id).headers["Location"]
    payment_id = payment_url.rsplit("/", 1)[1]
    client.post("/logout")
    login(make_user(Role.DISTRICT, district=claim.district_code))
    assert client.get(f"/district/payments/{payment_id}").status_code == 200
    assert client.post(f"/center/payments/claims/{claim.id}").status_code in (302, 403, 404)
    client.post("/logout")
    login(make_user(Role.DISTRICT, district="110108"))
    assert client.get(f"/district/payments/{payment_id}").status_code == 404


def test_AP_5_payments_due_list_runs_constant_queries(client, login, count_queries):
    """The 待拨付 list costs the same number of queries for 1 claim as for 6."""
    make_fund(1000000)
    make_fund(1000000, FundSource.EMPLOYMENT_FUND)
    login(centre_user())
    approved_claim()
    with count_queries() as few:
        assert client.get("/center/payments").status_code == 200
    for _ in range(5):
        approved_claim(headcount=2)
    with count_queries() as many:
        page = client.get("/center/payments").get_data(as_text=True)
    assert page.count('<tr id="claim-') == 6
    assert len(many) == len(few)


def test_AP_5_payments_to_record_join_the_centre_worklist(client, login):
    approved_claim()
    login(centre_user())
    home = client.get("/center/").get_data(as_text=True)
    assert "待拨付" in home and "/center/payments" in home
