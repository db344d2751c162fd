"""The centre's policy-parameters page: effective-dated values with a reason, audited."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import rules
from portal.catalogue import admin as catalogue_admin
from portal.catalogue import lookups as catalogues
from portal.catalogue.parameters import parameters_on
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import Enrolment, ParameterValue, Role
from tests.catalogue.test_catalogue_admin import audit_rows
from tests.enrolment_factories import make_enrolment
from tests.factories import make_user


@pytest.fixture
def centre(login):
    user = make_user(Role.CENTER)
    login(user)
    return user


def post_value(client, key: str, value, effective_from, note: str = "京人社发〔2026〕8号"):
    return client.post("/center/parameters", data={
        "key": key, "value": str(value), "effective_from": effective_from.isoformat(),
        "note": note})


def test_AP_subsidy_1_new_standard_takes_effect_on_its_date(client, centre):
    """AP-$1: a standard entered by the centre applies from its effective date, not before."""
    today = catalogues.today()
    start = today + timedelta(days=15)
    response = post_value(client, "subsidy_urgent_advanced", 8800, start)
    assert response.status_code == 302

    before = parameters_on(start - timedelta(days=1))
    after = parameters_on(start)
    assert rules.subsidy_standard("advanced", True, params=before) == 8000
    assert rules.subsidy_standard("advanced", True, params=after) == 8800

    page = client.get("/center/parameters").get_data(as_text=True)
    row = re.search(r"急需紧缺职业（工种）高级补贴标准</th>.*?</tr>", page, re.S).group(0)
    assert "<strong>8000</strong>" in row and "政策原文默认值" in row
    history = page.split('id="history-h"')[1]
    assert "8800" in history and "待生效" in history and "京人社发〔2026〕8号" in history
    [entry] = audit_rows("parameter_value")
    assert (entry.action, entry.from_state, entry.to_state) == ("create", "8000", "8800")
    assert "理由：京人社发〔2026〕8号" in entry.comment and entry.actor_id == centre.id


def test_AP_E6_minimum_wage_set_today_is_in_force_today(client, centre):
    today = catalogues.today()
    assert post_value(client, "min_monthly_wage", 2700, today).status_code == 302
    assert rules.wage_problems(2600, params=parameters_on(today)) == ["AP-E6"]
    assert rules.wage_problems(2600, params=parameters_on(today - timedelta(days=1))) == []
    page = client.get("/center/parameters").get_data(as_text=True)
    row = re.search(r"本市最低月工资标准</th>.*?</tr>", page, re.S).group(0)
    assert "<strong>2700</strong>" in row and f"{today.isoformat()} 起施行" in row


def test_AP_subsidy_1_values_in_force_are_never_rewritten(client, centre):
    """AP-$1, C-EFF: a value in force stays; a future one may be replaced."""
    today = catalogues.today()
    assert post_value(client, "subsidy_ordinary_intermediate", 5200, today).status_code == 302
    again = post_value(client, "subsidy_ordinary_intermediate", 5300, today)
    assert "已经生效，不能再修改" in again.get_data(as_text=True)

    later = today + timedelta(days=40)
    assert post_value(client, "subsidy_ordinary_intermediate", 5500, later).status_code == 302
    assert post_value(client, "subsidy_ordinary_intermediate", 5600, later).status_code == 302
    values = db.session.execute(sa.select(ParameterValue.effective_from, ParameterValue.value)
                                .where(ParameterValue.key == "subsidy_ordinary_intermediate")
                                .order_by(ParameterValue.effective_from)).all()
    assert values == [(today, 5200), (later, 5600)]
    assert [a.action for a in audit_rows("parameter_value")] == ["create", "create", "replace"]


def _entered_by_people() -> int:
    return db.session.scalar(sa.select(sa.func.count(ParameterValue.id))
                             .where(ParameterValue.created_by_id.is_not(None)))


def test_C_EFF_backdated_value_needs_reason(client, centre):
    """C-EFF: a value effective in the past is refused without a stated reason, naming C-EFF."""
    today = catalogues.today()
    response = post_value(client, "min_monthly_wage", 2480, today - timedelta(days=30), note="  ")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "补录已生效的数值须说明理由（规则 C-EFF）" in page
    assert _entered_by_people() == 0 and audit_rows("parameter_value") == []
    # A value from today or later is simply asked for its reason.
    future = post_value(client, "min_monthly_wage", 2700, today, note="").get_data(as_text=True)
    assert "请填写调整理由" in future and "补录已生效的数值须说明理由" not in future
    with pytest.raises(ServiceError, match="补录已生效的数值须说明理由（规则 C-EFF）"):
        catalogue_admin.add_parameter_value(centre, "min_monthly_wage", 2480,
                                            today - timedelta(days=1), "")


def test_C_EFF_backdated_value_is_audited_and_applies_to_past_checks(client, centre):
    """C-EFF: a back-dated value (with a reason) is audited as such, checks of the days it
    covers use it, later values and today's are untouched, and nothing stored is recomputed."""
    enrolment = make_enrolment(monthly_wage=2450, established_on=date(2024, 4, 1),
                               urgent=True, in_assessment_scope=False)
    stored = (enrolment.state, enrolment.monthly_wage, enrolment.established_on,
              enrolment.urgent, enrolment.in_assessment_scope)
    assert rules.wage_problems(2450, params=parameters_on(date(2024, 6, 1))) == []

    response = post_value(client, "min_monthly_wage", 2480, date(2024, 3, 1),
                          note="最低工资调整通知（测试用文号）")
    assert response.status_code == 302, response.get_data(as_text=True)

    assert parameters_on(date(2024, 2, 29))["min_monthly_wage"] == 2420
    assert rules.wage_problems(2450, params=parameters_on(date(2024, 6, 1))) == ["AP-E6"]
    assert parameters_on(date(2025, 9, 1))["min_monthly_wage"] == 2540
    assert parameters_on(catalogues.today())["min_monthly_wage"] == 2540
    [entry] = audit_rows("parameter_value")
    assert (entry.action, entry.from_state, entry.to_state) == ("backdate", "2420", "2480")
    assert "补录" in entry.comment and "追溯自 2024-03-01 起施行" in entry.comment
    assert "理由：最低工资调整通知（测试用文号）" in entry.comment
    assert entry.actor_id == centre.id

    db.session.expire_all()
    again = db.session.get(Enrolment, enrolment.id)
    assert (again.state, again.monthly_wage, again.established_on, again.urgent,
            again.in_assessment_scope) == stored

    page = client.get("/center/parameters").get_data(as_text=True)
    history = page.split('id="history-h"')[1]
    row = re.search(r"<tr><td>2024-03-01</td>.*?</tr>", history, re.S).group(0)
    assert "2480" in row and "测试用文号" in row and centre.display_name in row
    assert '<span class="badge">补录</span>' in row
    seeded = re.search(r"<tr><td>2023-09-01</td>.*?</tr>", history, re.S).group(0)
    assert "2420" in seeded and "系统" in seeded and "补录" not in seeded


def test_C_EFF_value_in_force_cannot_be_silently_replaced(client, centre):
    """C-EFF: a value already in force (stored, seeded or built in) is refused even with a
    reason; the centre enters a value from a later date instead."""
    today = catalogues.today()
    response = post_value(client, "min_monthly_wage", 2600, date(2025, 9, 1), note="更正")
    assert "2025-09-01 起施行的数值已经生效，不能再修改" in response.get_data(as_text=True)
    assert parameters_on(today)["min_monthly_wage"] == 2540
    assert audit_rows("parameter_value") == []

    # Without the seeded rows the rules layer's dated value is still the one in force.
    db.session.execute(sa.delete(ParameterValue))
    db.session.commit()
    with pytest.raises(ServiceError, match="已经生效"):
        catalogue_admin.add_parameter_value(centre, "min_monthly_wage", 2500,
                                            date(2023, 9, 1), "更正")
    assert parameters_on(date(2024, 1, 1))["min_monthly_wage"] == 2420

    assert post_value(client, "hs_funding_per_trainee", 5200, today).status_code == 302
    again = post_value(client, "hs_funding_per_trainee", 5300, today, note="更正")
    assert "已经生效，不能再修改" in again.get_data(as_text=True)
    assert parameters_on(today)["hs_funding_per_trainee"] == 5200


@pytest.mark.parametrize(("key", "value", "note", "message"), [
    ("min_monthly_wage", 2700, "", "请填写调整理由"),
    ("attendance_alert_below_pct", 180, "调整", "应为 0 至 100 之间的整数"),
    ("subsidy_counts_extension", 2, "调整", "应为 0 至 1 之间的整数"),
    ("min_monthly_wage", "两千七", "调整", "整数"),
    ("no_such_parameter", 1, "调整", "不是有效的选择"),
])
def test_parameter_form_refuses_bad_input(client, centre, key, value, note, message):
    response = post_value(client, key, value, catalogues.today() + timedelta(days=1), note)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "之间的整数" not in page.replace(message, "")
    assert _entered_by_people() == 0


def test_HS_P2_class_minimum_cannot_exceed_maximum(db):
    centre_user = make_user(Role.CENTER)
    with pytest.raises(ServiceError, match="HS-P2"):
        catalogue_admin.add_parameter_value(
            centre_user, "hs_class_min", 40, catalogues.today() + timedelta(days=1), "试")


def test_parameters_page_lists_every_spec_with_its_value(client, centre):
    page = client.get("/center/parameters").get_data(as_text=True)
    for spec in rules.PARAMETERS:
        assert spec.label in page and f'value="{spec.key}"' in page
    assert "<label for=\"effective_from\">" in page and "<label for=\"note\">" in page
    chosen = client.get("/center/parameters?key=hs_funding_per_trainee").get_data(as_text=True)
    assert re.search(r'<option selected value="hs_funding_per_trainee">', chosen)


def test_parameters_page_query_count_is_constant(client, centre, count_queries):
    today = catalogues.today()
    post_value(client, "min_monthly_wage", 2700, today + timedelta(days=1))
    with count_queries() as few:
        client.get("/center/parameters")
    for n, spec in enumerate(rules.PARAMETERS[:8], start=2):
        post_value(client, spec.key, spec.default, today + timedelta(days=n))
    with count_queries() as many:
        client.get("/center/parameters")
    assert len(many) == len(few)
