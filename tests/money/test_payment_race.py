"""AP-W4, AP-$5 under concurrency: a guarded UPDATE, not an `if`, decides.

Two centre users, each a separate `urllib` client with its own cookie jar logged in through
the real form, post the payment of one claim at the same moment against the app served on
127.0.0.1 (werkzeug's threaded server): exactly one Payment. Two payments racing for the
last of a fund: one is refused and the fund is never overdrawn.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from portal.extensions import db
from portal.models import Claim, ClaimState, Fund, Payment, PaymentPart, User
from portal.money import payments
from tests.factories import PASSWORD
from tests.money.payment_factories import TODAY, approved_claim, centre_user, make_fund
from tests.money_factories import approved_programme
from tests.races import at_once

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'type="hidden" name="csrf_token" value="([^"]+)"')


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="pay-race", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        """(status, page) after redirects; `self.where` is the path finally answered."""
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(Request(self.base + path, data=body), timeout=30) as answer:
                self.where = urlsplit(answer.url).path
                return answer.status, answer.read().decode()
        except HTTPError as err:
            self.where = urlsplit(err.url).path
            return err.code, err.read().decode()

    def csrf(self, path: str) -> str:
        status, page = self.request(path)
        assert status == 200, (status, page[:300])
        match = CSRF.search(page)
        assert match, page[:500]
        return match.group(1) or match.group(2)

    def login(self, username: str) -> None:
        token = self.csrf("/login")
        status, _page = self.request("/login", {"username": username, "password": PASSWORD,
                                                "csrf_token": token})
        assert (status, self.where) == (200, "/center/"), (status, self.where)


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
    browsers = [Browser(served) for _ in names]
    path = f"/center/payments/claims/{claim_id}"
    for browser, name in zip(browsers, names, strict=True):
        browser.login(name)
    tokens = [browser.csrf(path) for browser in browsers]
    assert {browser.where for browser in browsers} == {path}  # the form, not the login page
    barrier = threading.Barrier(2)

    def pay(browser: Browser, token: str, voucher: str):
        barrier.wait(timeout=10)
        return browser.request(path, {"csrf_token": token, "paid_on": TODAY.isoformat(),
                                      "voucher_no": voucher})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(pay, browsers, tokens, ["PZ-A", "PZ-B"]))
    assert [status for status, _ in answers] == [200, 200]  # redirect followed, or refusal
    refused = [page for _, page in answers if "不能重复记录拨付（规则 AP-W4）" in page]
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
