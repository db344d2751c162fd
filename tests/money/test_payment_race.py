"""AP-W4, AP-$5 under concurrency: a guarded UPDATE, not an `if`, decides.

Two centre users, each a separate `urllib` client with its own cookie jar logged in through
the real form, post the payment of one claim at the same moment against the app served on
127.0.0.1 (werkzeug's threaded server): exactly one Payment. Two payments racing for the
last of a fund: one is refused and the fund is never overdrawn.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Claim, ClaimState, Fund, Payment, PaymentPart, User
from portal.money import payments
from tests.live import LiveClient
from tests.money.payment_factories import TODAY, approved_claim, centre_user, make_fund
from tests.money_factories import approved_programme
from tests.races import at_once


def _count(model, **where) -> int:
    db.session.rollback()
    q = sa.select(sa.func.count()).select_from(model)
    for column, value in where.items():
        q = q.where(getattr(model, column) == value)
    return db.session.scalar(q)


def test_AP_W4_two_centre_users_pay_one_claim_at_once_exactly_one_payment(app, served):
    """AP-W4: two live sessions post the payment of the same claim at the same moment."""
    claim = approved_claim(headcount=2)
    fund = make_fund(100000)
    claim_id, fund_id = claim.id, fund.id
    names = [centre_user().username, centre_user().username]
    browsers = [LiveClient(served) for _ in names]
    path = f"/center/payments/claims/{claim_id}"
    for browser, name in zip(browsers, names, strict=True):
        browser.login(name, "/center/")
    forms = [browser.request(path) for browser in browsers]
    assert {where for _s, _p, where in forms} == {path}  # the form, not the login page
    tokens = [LiveClient.csrf(page) for _s, page, _w in forms]
    barrier = threading.Barrier(2)

    def pay(browser: LiveClient, token: str, voucher: str):
        barrier.wait(timeout=10)
        return browser.request(path, {"csrf_token": token, "paid_on": TODAY.isoformat(),
                                      "voucher_no": voucher})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(pay, browsers, tokens, ["PZ-A", "PZ-B"]))
    assert [status for status, _p, _w in answers] == [200, 200]  # redirect followed, or refusal
    refused = [page for _, page, _w in answers if "不能重复记录拨付（规则 AP-W4）" in page]
    assert len(refused) == 1
    assert _count(Payment, claim_id=claim_id) == 1
    assert _count(PaymentPart) == 1
    assert db.session.get(Fund, fund_id).drawn == 5000
    assert db.session.get(Claim, claim_id).state == ClaimState.PAID


def test_AP_5_fund_overdrawn_by_two_concurrent_payments_refused_for_one(app, db):
    """AP-$5: 3,000 left, two claims of 2,500 paid at once: one is paid, the other refused
    "资金余额不足"; the fund's drawn never exceeds its available amount."""
    programme = approved_programme()
    first, second = approved_claim(programme), approved_claim(programme)
    fund = make_fund(3000)
    ids = (first.id, second.id)
    actors = [centre_user().id, centre_user().id]

    def paying(actor_id: int, claim_id: int):
        return lambda: payments.record_payment(db.session.get(User, actor_id),
                                               db.session.get(Claim, claim_id), TODAY,
                                               f"PZ-{claim_id}")

    outcomes = at_once(app, db, *(paying(a, c) for a, c in zip(actors, ids, strict=True)))
    assert outcomes.count("ok") == 1
    (refusal,) = [o for o in outcomes if o != "ok"]
    assert "资金余额不足" in refusal and "（规则 AP-$5）" in refusal
    db.session.rollback()
    drawn_fund = db.session.get(Fund, fund.id)
    assert drawn_fund.drawn == 2500 <= drawn_fund.available
    assert _count(Payment) == 1
    states = sorted(db.session.scalars(sa.select(Claim.state).where(Claim.id.in_(ids))))
    assert states == sorted([ClaimState.APPROVED, ClaimState.PAID])
