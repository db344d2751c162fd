"""Issue 12 item 6: the status-change request states its subsidy effect before it is sent
(AP-$4 withdrawal and recovery, AP-$2 extension, AP-P2 suspension), through the page."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ClaimKind, ClaimState, FundSource, Organisation, Role, StatusChange
from tests.factories import make_user
from tests.money.ledger_factories import make_claim, make_fund, pay
from tests.money_factories import approved_programme, established


def _owner(programme):
    return make_user(Role.ENTERPRISE, org=db.session.get(Organisation, programme.enterprise_id))


def _preview(client, enrolment, kind, **fields):
    data = {"enrolment_id": enrolment.id, "kind": kind, "effective_on": "2026-12-10",
            "reason": "学徒申请", "preview": "1", **fields}
    return client.post("/enterprise/status-changes/new", data=data)


def _paid_first_claim(programme, account):
    claim = make_claim(programme, [account], ClaimKind.FIRST, ClaimState.APPROVED)
    pay(claim, [(make_fund(2026, FundSource.SPECIAL_ACCOUNT), claim.payable)])


def test_AP_4_withdrawal_confirmation_states_recovery_of_prepaid(client, login):
    """AP-$4: before a withdrawal is sent, the page says the entitlement becomes 0 and the
    prepaid 2,500 yuan (ordinary occupation, 中级) is recovered; nothing is submitted."""
    programme = approved_programme()
    enrolment, account = established(programme)
    _paid_first_claim(programme, account)
    login(_owner(programme))
    response = _preview(client, enrolment, "withdraw")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "对补贴的影响" in html
    assert "补贴为 0 元" in html and "已预拨的 2500 元将在剩余补贴申请时追回" in html
    assert "将追回已预拨补贴 <strong>2500</strong> 元" in html and "AP-$4" in html
    assert db.session.scalars(sa.select(StatusChange)).all() == []


def test_AP_4_withdrawal_before_payment_withholds_prepayment(client, login):
    """AP-$4: withdrawn before the prepayment is paid: nothing to recover, it is not paid."""
    programme = approved_programme()
    enrolment, _account = established(programme)
    login(_owner(programme))
    html = _preview(client, enrolment, "withdraw").get_data(as_text=True)
    assert "尚未拨付的预拨补贴 2500 元不再拨付" in html and "将追回已预拨补贴" not in html


def test_AP_2_extension_keeps_subsidy_years(client, login):
    """AP-$2: an extension lengthens training, not the subsidy (parameter default)."""
    programme = approved_programme()
    enrolment, _account = established(programme)
    login(_owner(programme))
    html = _preview(client, enrolment, "extend", extension_months="6").get_data(as_text=True)
    assert "补贴年限仍为 1 年" in html and "AP-$2" in html


def test_AP_P2_suspension_effect_over_htmx_fragment(client, login):
    """AP-P2: the htmx panel alone, as the form changes; a suspension holds payments."""
    programme = approved_programme()
    enrolment, _account = established(programme)
    login(_owner(programme))
    response = client.hx_get(f"/enterprise/status-changes/money-effect?enrolment_id="
                             f"{enrolment.id}&kind=suspend")
    html = response.get_data(as_text=True)
    assert "<html" not in html and "暂缓申请和拨付" in html


def test_AP_4_money_effect_only_for_own_apprentices(client, login):
    """C-DIST: another enterprise's apprentice shows no effect (and cannot be chosen)."""
    programme = approved_programme()
    enrolment, _account = established(programme)
    login(make_user(Role.ENTERPRISE, org=db.session.get(
        Organisation, approved_programme().enterprise_id)))
    response = client.hx_get(f"/enterprise/status-changes/money-effect?enrolment_id="
                             f"{enrolment.id}&kind=withdraw")
    assert "对补贴的影响" not in response.get_data(as_text=True)


def test_AP_4_transfer_ends_the_old_record_like_a_withdrawal():
    """AP-$4 (portal decision for 转出): entitled to nothing in the old programme, the paid
    prepayment is recovered there; the target programme prepays anew on establishment."""
    from portal import rules

    effect = rules.status_money_effect("transfer", "advanced", True, False, True)
    assert effect["entitlement"] == 0 and effect["recovery"] == 8000
    assert "重新预拨" in effect["summary"]


def test_AP_2_extension_counts_when_the_parameter_says_so():
    """AP-$2: with `subsidy_counts_extension` on, a 6-month extension adds a subsidised year."""
    from portal import rules

    effect = rules.status_money_effect("extend", "intermediate", False, True, True,
                                       extension_months=6,
                                       params={"subsidy_counts_extension": 1})
    assert (effect["years_before"], effect["years_after"]) == (1, 2)


def test_AP_4_money_effect_without_javascript_renders_the_form(client, login):
    """Without htmx the same URL answers the whole form with the panel, ready to send."""
    programme = approved_programme()
    enrolment, _account = established(programme)
    login(_owner(programme))
    html = client.get(f"/enterprise/status-changes/money-effect?enrolment_id={enrolment.id}"
                      f"&kind=withdraw").get_data(as_text=True)
    assert "<html" in html and 'name="csrf_token"' in html
    assert "尚未拨付的预拨补贴 2500 元不再拨付" in html
