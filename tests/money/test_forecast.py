"""Issue 12 item 9: the enterprise's forecast (补贴测算) for a planned cohort, with the
catalogue facts in force today (AP-P5) and the figures of the rules layer (AP-$1..$4)."""

from portal.models import CatalogueKind
from tests.programme_factories import approved_enterprise_user, make_occupation, put_on_list


def _enterprise(login):
    return login(approved_enterprise_user())


def test_AP_4_forecast_ordinary_intermediate(client, login):
    """AP-$4, AP-$3: ordinary 中级 × 10: prepayment 2,500 each, 5,000 full, 4,250 at 85 %."""
    occupation = make_occupation()
    put_on_list(CatalogueKind.ASSESSMENT_SCOPE, [occupation])
    _enterprise(login)
    html = client.get(f"/enterprise/subsidy/forecast?occupation_id={occupation.id}"
                      f"&level=intermediate&headcount=10").get_data(as_text=True)
    assert '<tr id="f-prepayment"><th scope="row">学籍建立后预拨（AP-$4）</th><td>2500</td><td>25000</td>' in html
    assert "<td>5000</td><td>50000</td>" in html
    assert "按 85%</th><td>4250</td><td>42500</td>" in html
    assert "普通职业（工种）" in html


def test_AP_3_forecast_urgent_outside_scope_advanced(client, login):
    """AP-$3: urgent-need, outside the assessment scope, 高级: 16,000 full, no 85 % case."""
    occupation = make_occupation()
    put_on_list(CatalogueKind.URGENT, [occupation])
    _enterprise(login)
    response = client.hx_get(f"/enterprise/subsidy/forecast?occupation_id={occupation.id}"
                             f"&level=advanced&headcount=2")
    html = response.get_data(as_text=True)
    assert "<html" not in html  # the htmx live update gets the result block alone
    assert "<td>8000</td><td>16000</td>" in html  # prepayment
    assert "<td>16000</td><td>32000</td>" in html  # full entitlement
    assert "合格即全额补贴" in html and "急需紧缺职业（工种）" in html


def test_C_MONEY_forecast_refuses_bad_headcount(client, login):
    """C-MONEY: a negative or fractional headcount is refused with a message, no figures."""
    occupation = make_occupation()
    _enterprise(login)
    for bad in ("-3", "2.5", "abc"):
        html = client.get(f"/enterprise/subsidy/forecast?occupation_id={occupation.id}"
                          f"&level=intermediate&headcount={bad}").get_data(as_text=True)
        assert 'id="f-prepayment"' not in html
        assert "计划培训人数" in html and ('aria-invalid="true"' in html)


def test_AP_4_forecast_page_without_question(client, login):
    _enterprise(login)
    html = client.get("/enterprise/subsidy/forecast").get_data(as_text=True)
    assert "选择职业（工种）、等级并填写人数后显示测算结果" in html
