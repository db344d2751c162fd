"""AP-V3, HS-$2: a fraud finding opens recovery orders through the original channel, marks
the organisation, records the referral; the HS fraud check joins the same record."""

import sqlalchemy as sa

from portal.clock import today
from portal.extensions import db
from portal.models import (
    ClaimState,
    FraudCase,
    Payment,
    Recovery,
    RecoveryState,
    Referral,
    Role,
)
from portal.money import payments, recoveries
from portal.supervision.escalation import fraud
from tests.factories import make_user
from tests.high_skill.factories_funding import completed_project, host, hs_claim
from tests.high_skill.factories_proposals import make_call, make_proposal
from tests.money.payment_factories import approved_claim, make_fund
from tests.supervision.escalation.escalation_helpers import (
    Parties,
    as_user,
    audited,
    notified,
    text,
)


def _paid_programme(w: Parties, headcount: int = 2) -> int:
    """A paid first claim of `headcount` apprentices; returns the amount paid."""
    claim = approved_claim(w.programme, headcount=headcount)
    make_fund(1_000_000)
    payment = payments.record_payment(w.centre, claim, today(), "PZ-2026-9")
    db.session.commit()
    return payment.amount


def _form(**data):
    return {"found_on": today().isoformat(), "findings": "虚报学徒人数骗取补贴",
            "referral": "discipline", "referral_note": "区纪委监委"} | data


def test_AP_V3_fraud_opens_recovery_and_marks_org(client):
    w = Parties()
    paid = _paid_programme(w)
    assert paid > 0
    district = as_user(client, w.district)
    form = text(district.get(f"/district/programmes/{w.programme.id}/fraud/new"))
    assert f'<strong id="unrecovered">{paid}</strong>' in form and 'for="findings"' in form
    response = district.post(f"/district/programmes/{w.programme.id}/fraud/new", data=_form())
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.scalar(sa.select(FraudCase))
    assert (case.organisation_id, case.programme_id, case.referral, case.referred_on) == (
        w.programme.enterprise_id, w.programme.id, Referral.DISCIPLINE, today())
    (recovery,) = db.session.scalars(sa.select(Recovery)).all()
    assert (recovery.programme_id, recovery.enterprise_id, recovery.amount, recovery.state) == (
        w.programme.id, w.programme.enterprise_id, paid, RecoveryState.OPEN)
    assert audited("fraud_case", case.id) == ["record"]
    assert audited("recovery", recovery.id) == ["open"]
    assert notified(w.enterprise.id, "fraud") == 1 and notified(w.centre.id, "fraud") == 1
    detail = text(district.get(f"/district/fraud-cases/{case.id}"))
    assert f'id="recovery-{recovery.id}"' in detail and "移交纪检监察机关" in detail
    centre = as_user(client, w.centre)
    org_page = text(centre.get(f"/center/organisations/{w.programme.enterprise_id}"))
    assert 'id="fraud-flag"' in org_page and "存在骗取补贴记录" in org_page
    assert f'id="fraud-{case.id}"' in text(centre.get("/center/fraud-cases"))
    # Through the original channel: the district's recovery screens, then its repayment.
    assert "骗取补贴追回" in text(district.get(f"/district/recoveries/{recovery.id}"))
    assert f'id="recovery-{recovery.id}"' in text(district.get("/district/recoveries"))
    recoveries.record_repayment(w.district, recovery, paid, today(), "JK-1")
    db.session.commit()
    assert recovery.state == RecoveryState.SETTLED


def test_AP_V3_second_finding_recovers_nothing_twice(app):
    w = Parties()
    paid = _paid_programme(w)
    first = fraud.record(w.district, w.programme, found_on=today(), findings="虚报")
    second = fraud.record(w.centre, w.programme, found_on=today(), findings="再次查实",
                          referral=Referral.JUDICIAL)
    db.session.commit()
    assert first.recovery.amount == paid and second.recovery is None
    assert db.session.scalar(sa.select(sa.func.sum(Recovery.amount))) == paid
    assert notified(w.district.id, "fraud") == 1  # the centre's finding tells the district


def test_AP_V3_unpaid_programme_opens_no_recovery(app):
    w = Parties()
    outcome = fraud.record(w.district, w.programme, found_on=today(), findings="虚报")
    db.session.commit()
    assert outcome.recovery is None and outcome.case.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recovery)) == 0


def test_AP_V3_findings_required_and_future_date_refused(client):
    w = Parties()
    district = as_user(client, w.district)
    url = f"/district/programmes/{w.programme.id}/fraud/new"
    assert district.post(url, data=_form(findings="")).status_code == 422
    assert district.post(url, data=_form(found_on="2999-01-01")).status_code == 422
    assert district.post(url, data=_form(referral="bogus")).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FraudCase)) == 0


def test_C_DIST_peer_district_cannot_record_or_see_fraud(client):
    w = Parties()
    outcome = fraud.record(w.district, w.programme, found_on=today(), findings="虚报")
    db.session.commit()
    peer = make_user(w.district.role, district="110108")
    db.session.commit()
    other = as_user(client, peer)
    url = f"/district/programmes/{w.programme.id}/fraud/new"
    assert other.get(url).status_code == 404
    assert other.post(url, data=_form()).status_code == 404
    assert other.get(f"/district/fraud-cases/{outcome.case.id}").status_code == 404
    assert f'id="fraud-{outcome.case.id}"' not in text(other.get("/district/fraud-cases"))
    enterprise = as_user(client, w.enterprise)
    assert enterprise.post(url, data=_form()).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FraudCase)) == 1


def test_HS_subsidy_2_fraud_check_joins_the_fraud_record_and_host_submits_no_proposal(
        client):
    """HS-$2: the centre's fraud check disqualifies the host (existing path), writes a
    FraudCase on the host (one record with the programmes') and the host submits no new
    proposal (test_HS_2_disqualified_host_submits_no_proposal)."""
    org, user = host()
    project, _ = completed_project(org)
    claim = hs_claim(project, ClaimState.PAID, payable=50_000)
    centre_user = make_user(Role.CENTER)
    db.session.add(Payment(claim_id=claim.id, amount=50_000, paid_on=today(),
                           voucher_no="PZ-1", recorded_by_id=centre_user.id,
                           recorded_at=claim.created_at))
    db.session.commit()
    centre = as_user(client, centre_user)
    centre.post(f"/center/hs/funding/projects/{project.id}/checks", data={
        "kind": "spot_check", "checked_on": today().isoformat(), "auditor": "检查组",
        "result": "fraud", "findings": "虚报学员"}, follow_redirects=True)
    db.session.expire_all()
    (case,) = db.session.scalars(sa.select(FraudCase)).all()
    assert (case.organisation_id, case.hs_proposal_id, case.programme_id) == (
        org.id, project.id, None)
    assert db.session.scalar(sa.select(Recovery.amount).where(
        Recovery.hs_proposal_id == project.id)) == 50_000
    assert 'id="fraud-flag"' in text(centre.get(f"/center/organisations/{org.id}"))
    proposal = make_proposal(org, make_call())
    host_client = as_user(client, user)
    page = text(host_client.post(f"/enterprise/hs/proposals/{proposal.id}/submit",
                                 follow_redirects=True))
    assert "（规则 HS-$2）" in page
