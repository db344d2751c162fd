"""AP-E6 with dated values (C-EFF): a registration is checked against the minimum wage in
force on its day, and the form says which wage it asks for."""

import io
import re
from datetime import date

import openpyxl
import pytest

from portal import rules
from portal.apprenticeship.enrolment import checks, importer
from portal.extensions import db
from portal.models import Organisation, ReviewState
from tests.enrolment_factories import resident_id, sheet_row, xlsx
from tests.programme_factories import make_programme

DAY_IN_2024 = date(2024, 3, 1)




def _registration(wage: int) -> checks.Registration:
    return checks.Registration(
        name="王五", resident_id=resident_id(), mobile="13912345678",
        contract_start=date(2024, 1, 1), contract_end=None, insured_in_beijing=True,
        hire_type="new_hire", dispatched=False, monthly_wage=wage)


def test_AP_E6_registration_in_a_programme_started_2024_checks_2420(db):
    """AP-E6, C-EFF: a check of a day in 2024 uses 2,420 yuan; today's check uses 2,540."""
    programme = make_programme(state=ReviewState.APPROVED, start_date=date(2024, 1, 1))
    assert checks.params_for(programme, day=DAY_IN_2024)["min_monthly_wage"] == 2420
    assert checks.params_for(programme)["min_monthly_wage"] == 2540

    checks.check_registration(programme, _registration(2450), DAY_IN_2024)  # no refusal
    with pytest.raises(rules.RuleViolation) as refused:
        checks.check_registration(programme, _registration(2450))
    assert refused.value.rule_ids == ["AP-E6"] and "2540" in refused.value.message

    sheet = xlsx([sheet_row(**{"劳动合同起始日期": "2024-01-01", "月工资（元）": 2450})])
    assert importer.preview(programme, sheet, day=DAY_IN_2024).ok
    today = importer.preview(programme, sheet)
    assert not today.ok and "AP-E6" in " ".join(today.rows[0].errors)


def test_AP_E6_wage_field_says_which_wage_it_means(client, owner):
    """AP-E6: the form and the import template ask for the wage without the apprentice's own
    social-insurance and housing-fund contributions (nor overtime pay or allowances)."""
    programme = make_programme(state=ReviewState.APPROVED,
                               enterprise=db.session.get(Organisation, owner.org_id))
    page = client.get(f"/enterprise/programmes/{programme.id}/apprentices/new").get_data(
        as_text=True)
    assert re.search(r'<input[^>]*aria-describedby="monthly_wage-error monthly_wage-help"', page)
    help_text = re.search(r'<small id="monthly_wage-help"[^>]*>(.*?)</small>', page).group(1)
    for words in ("不含学徒个人缴纳的社会保险费和住房公积金", "加班工资", "2540 元/月"):
        assert words in help_text

    book = openpyxl.load_workbook(io.BytesIO(
        client.get("/enterprise/enrolments/import-template.xlsx").data))
    notes = " ".join(str(row[0].value) for row in book["填写说明"].iter_rows())
    assert "月工资（元）：整数，不含学徒个人缴纳的社会保险费和住房公积金" in notes
    assert "AP-E6" in rules.rule_message("AP-E6") and "住房公积金" in rules.rule_message("AP-E6")
