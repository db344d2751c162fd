"""Issue 12 item 7, "why is this payment held?": each line that is not paid names what holds
it, with the rule ID (AP-S1, AP-S2, AP-$3, AP-$4, AP-$5, AP-V2, AP-W3), on the programme's
subsidy page (C-PII: IDs masked) and in bulk with a constant number of queries."""

from datetime import date, datetime

import pytest

from portal import rules
from portal.extensions import db
from portal.models import (
    Apprentice,
    Assessment,
    ClaimKind,
    ClaimState,
    EnrolmentState,
    FundSource,
    Organisation,
    Role,
    SubsidyAccount,
    Verdict,
    VocationalCertificateType,
)
from portal.money.ledger.holds import holds_for
from tests.factories import make_user
from tests.money.ledger_factories import lines_of, make_claim, make_fund, make_recovery, pay
from tests.money_factories import approved_programme, established


def _assess(enrolment, enterprise=None, institution=None, certificate=False):
    agreed = enterprise if enterprise == institution else None
    a = Assessment(enrolment_id=enrolment.id, programme_id=enrolment.programme_id,
                   enterprise_verdict=enterprise, institution_verdict=institution,
                   agreed_verdict=agreed, agreed_at=datetime(2027, 3, 1) if agreed else None)
    if certificate:
        a.vocational_type = VocationalCertificateType.SKILL_LEVEL
        a.vocational_level = "intermediate"
        a.vocational_number = "S000123"
        a.vocational_issued_on = date(2027, 2, 1)
    db.session.add(a)
    db.session.commit()
    return a


def _holds(*accounts, day=date(2026, 12, 2)):
    fresh = [db.session.get(SubsidyAccount, a.id) for a in accounts]
    return holds_for(fresh, day)


def test_AP_W3_prepayment_in_review_names_the_step(app):
    """AP-W3: a first claim awaiting the district says so; not claimed says so."""
    programme = approved_programme()
    _e, claimed = established(programme)
    _e, unclaimed = established(programme)
    make_claim(programme, [claimed], ClaimKind.FIRST, ClaimState.SUBMITTED)
    found = _holds(claimed, unclaimed)
    assert found[claimed.id].prepayment.message == "补贴申请待区人社局审核（首次补贴（预拨））（规则 AP-W3）"
    assert found[unclaimed.id].prepayment.code == "not_claimed"


def test_AP_5_fund_exhausted_holds_an_approved_claim(app):
    """AP-$5: approved, but this year's funds left are less than the claim's payable."""
    programme = approved_programme()
    _e, account = established(programme)
    make_claim(programme, [account], ClaimKind.FIRST, ClaimState.APPROVED)
    make_fund(2026, FundSource.SPECIAL_ACCOUNT, available=1000)
    hold = _holds(account)[account.id].prepayment
    assert hold.code == "fund_exhausted" and hold.rule == "AP-$5" and "资金暂不足" in hold.text
    assert "1000 元" not in hold.text  # the payee is not shown the city's fund balance


def test_AP_W3_paid_prepayment_states_its_date(app):
    programme = approved_programme()
    _e, account = established(programme)
    claim = make_claim(programme, [account], ClaimKind.FIRST, ClaimState.APPROVED)
    pay(claim, [(make_fund(), claim.payable)], paid_on=date(2026, 5, 10))
    hold = _holds(account)[account.id].prepayment
    assert not hold.held and "2026-05-10" in hold.text


def test_AP_V2_suspended_programme_holds_money(app):
    """AP-V2: a suspended programme claims nothing until lifted."""
    programme = approved_programme()
    _e, account = established(programme)
    programme.suspended_on = date(2026, 11, 1)
    db.session.commit()
    found = _holds(account)[account.id]
    assert found.prepayment.rule == "AP-V2" and found.remainder.rule == "AP-V2"


@pytest.mark.parametrize(("enterprise", "institution", "certificate", "code", "rule"), [
    (None, None, False, "assessment_missing", "AP-S1"),
    (Verdict.PASSED, None, False, "assessment_missing", "AP-S1"),
    (Verdict.PASSED, Verdict.FAILED, False, "assessment_disagreement", "AP-S1"),
    (Verdict.PASSED, Verdict.PASSED, False, "certificate_missing", "AP-S2"),
    (Verdict.PASSED, Verdict.PASSED, True, "not_claimed", "AP-W3"),
    (Verdict.FAILED, Verdict.FAILED, False, "failed", "AP-$3"),
])
def test_AP_S1_AP_S2_remainder_hold_by_assessment(app, enterprise, institution, certificate,
                                                    code, rule):
    """AP-S1, AP-S2, AP-$3: what the assessment leaves open holds the remainder."""
    programme = approved_programme()
    enrolment, account = established(programme)
    if enterprise or institution:
        _assess(enrolment, enterprise, institution, certificate)
    hold = _holds(account)[account.id].remainder
    assert (hold.code, hold.rule) == (code, rule)
    if code == "certificate_missing":
        assert "85%" in hold.text


def test_AP_S2_urgent_outside_scope_pass_needs_no_certificate(app):
    """AP-$3: an urgent-need occupation outside the assessment scope pays in full on a pass."""
    programme = approved_programme(level="advanced")
    enrolment, account = established(programme, urgent=True, in_scope=False)
    _assess(enrolment, Verdict.PASSED, Verdict.PASSED)
    assert _holds(account)[account.id].remainder.code == "not_claimed"


def test_AP_4_recovery_open_and_settled(app):
    """AP-$4: a failed apprentice's negative remainder is recovered; open shows what is owed."""
    programme = approved_programme()
    _e, open_one = established(programme)
    _e, settled = established(programme)
    final = make_claim(programme, [open_one, settled], ClaimKind.FINAL, ClaimState.PAID,
                       amounts=[-2500, -2500])
    line_a, line_b = lines_of(final)
    make_recovery(line_a, repayments=[(500, date(2026, 11, 1))])
    make_recovery(line_b, repayments=[(2500, date(2026, 11, 1))])
    found = _holds(open_one, settled)
    assert found[open_one.id].remainder.message == "应追回预拨资金，尚欠 2000 元（规则 AP-$4）"
    assert not found[settled.id].remainder.held


def test_AP_4_withdrawn_apprentice_entitled_to_nothing(app):
    programme = approved_programme()
    _e, account = established(programme, state=EnrolmentState.WITHDRAWN,
                              established_on=programme.start_date, ended_on=date(2026, 9, 1))
    hold = _holds(account)[account.id].remainder
    assert hold.rule == "AP-$4" and "将追回" in hold.text


@pytest.mark.parametrize("size", [3, 30])
def test_AP_S1_holds_in_constant_queries(app, count_queries, size):
    programme = approved_programme(planned_count=40)
    accounts = [established(programme)[1] for _ in range(size)]
    fresh = [db.session.get(SubsidyAccount, a.id) for a in accounts]
    with count_queries() as statements:
        holds_for(fresh, date(2026, 12, 2))
    assert len(statements) == 6


def test_AP_S2_subsidy_page_shows_figures_and_holds(client, login):
    """AP-$3, AP-$4 on the programme's subsidy page: passed without certificate 4,250 and
    remainder 1,750; not assessed shows the possible cases; IDs masked (C-PII)."""
    programme = approved_programme()
    passed, passed_account = established(programme)
    _pending, _pending_account = established(programme)
    _assess(passed, Verdict.PASSED, Verdict.PASSED)
    login(make_user(Role.DISTRICT, district=programme.district_code))
    response = client.get(f"/district/programmes/{programme.id}/subsidy")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<td class="entitlement">4250</td>' in html
    assert '<td class="remainder">1750' in html
    assert "待考核" in html and "考核合格，取得职业证书：应得 5000，剩余 2500" in html
    assert "考核不合格：应得 0，剩余 -2500" in html
    assert "规则 AP-S2" in html and "规则 AP-S1" in html
    assert '<dd id="total-prepayment">5000 元</dd>' in html
    person = db.session.get(Apprentice, passed.apprentice_id)
    assert person.resident_id not in html and rules.mask_resident_id(person.resident_id) in html


def test_AP_S1_subsidy_page_out_of_scope_is_404(client, login):
    programme = approved_programme()
    established(programme)
    login(make_user(Role.ENTERPRISE, org=db.session.get(
        Organisation, approved_programme().enterprise_id)))
    assert client.get(f"/enterprise/programmes/{programme.id}/subsidy").status_code == 404


def test_AP_3_subsidy_page_acceptance_figures(client, login):
    """AP-$3, AP-$4 acceptance figures on the screen: urgent-need outside the assessment
    scope, 高级, passed → entitlement 16,000, remainder 8,000; ordinary 中级 failed →
    remainder −2,500 (recovered)."""
    urgent = approved_programme(level="advanced")
    passed, _account = established(urgent, urgent=True, in_scope=False)
    _assess(passed, Verdict.PASSED, Verdict.PASSED)
    ordinary = approved_programme()
    failed, _account = established(ordinary)
    _assess(failed, Verdict.FAILED, Verdict.FAILED)
    login(make_user(Role.CENTER))
    html = client.get(f"/center/programmes/{urgent.id}/subsidy").get_data(as_text=True)
    assert '<td class="entitlement">16000</td>' in html and '<td class="remainder">8000' in html
    html = client.get(f"/center/programmes/{ordinary.id}/subsidy").get_data(as_text=True)
    assert '<td class="entitlement">0</td>' in html
    assert '<td class="remainder">-2500<br><small>追回</small>' in html


@pytest.mark.parametrize("size", [2, 25])
def test_AP_S1_subsidy_page_constant_queries(client, login, count_queries, size):
    """The programme's subsidy page costs the same number of queries at any size."""
    programme = approved_programme(planned_count=30)
    for _ in range(size):
        established(programme)
    login(make_user(Role.CENTER))
    with count_queries() as statements:
        assert client.get(f"/center/programmes/{programme.id}/subsidy").status_code == 200
    assert len(statements) <= 20, len(statements)
