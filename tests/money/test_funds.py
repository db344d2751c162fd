"""AP-$5 funds: the centre records each fund's available amount per year (whole yuan)."""

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditLog, Fund, FundSource, Role
from tests.factories import make_user
from tests.money.payment_factories import TODAY, centre_user, make_fund


def _post(client, **data):
    form = {"year": str(TODAY.year), "source": "special_account", "available": "100000",
            "note": ""}
    form.update(data)
    return client.post("/center/funds", data=form)


def _funds():
    db.session.rollback()
    return db.session.scalars(sa.select(Fund).order_by(Fund.id)).all()


def test_AP_5_centre_records_available_amount_and_sees_what_is_left(client, login):
    """AP-$5: created, changed (audited old → new), shown per source in drawing order."""
    login(centre_user())
    assert _post(client, available="100,000").status_code == 302
    make_fund(5000, FundSource.EMPLOYMENT_FUND, drawn=1200)
    assert _post(client, available="150000", note="追加").status_code == 302
    (special, employment) = _funds()
    assert (special.available, special.note) == (150000, "追加")
    page = client.get("/center/funds").get_data(as_text=True)
    page = page[page.index("<table"):]
    assert page.index("职业技能提升行动专账结余资金") < page.index("就业补助资金")
    assert "3800" in page  # 5000 − 1200 left in the employment fund
    logs = db.session.scalars(sa.select(AuditLog).where(AuditLog.object_type == "fund")
                              .order_by(AuditLog.id)).all()
    assert [(a.from_state, a.to_state) for a in logs] == [("0", "100000"), ("100000", "150000")]


@pytest.mark.parametrize("typed, message", [
    ("-100", "金额不能为负数"),
    ("12.5", "不能有小数"),
    ("一万", "请只填写数字"),
    ("1e5", "请只填写数字"),
])
def test_C_MONEY_fund_amount_refuses_negative_fractional_and_text(client, login, typed, message):
    """C-MONEY, AP-$5: a typed amount that is not whole yuan is refused, nothing written."""
    login(centre_user())
    response = _post(client, available=typed)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _funds() == []


def test_AP_5_available_never_below_drawn(client, login):
    """AP-$5: lowering a fund under what was paid out of it is refused."""
    make_fund(10000, drawn=6000)
    login(centre_user())
    response = _post(client, available="5000")
    assert "不能低于已拨付的6000元" in response.get_data(as_text=True)
    assert _funds()[0].available == 10000


def test_AP_5_only_the_centre_keeps_funds(client, login):
    login(make_user(Role.DISTRICT, district="110105"))
    assert client.get("/center/funds").status_code in (302, 403, 404)
