"""HS-W10, HS-$2: the centre records spot checks and third-party audits; a fraud finding
disqualifies the host and, for a paid project, opens a recovery order repaid through the
shared recovery service."""

from datetime import timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    AuditLog,
    CheckResult,
    Claim,
    ClaimState,
    HsCheck,
    Organisation,
    Payment,
    ProposalState,
    Recovery,
    RecoveryState,
)
from tests.high_skill.factories_funding import (
    TODAY,
    centre,
    completed_project,
    employment_fund,
    host,
    hs_claim,
)


def _check(client, project, **data):
    values = {"kind": "spot_check", "checked_on": TODAY.isoformat(), "auditor": "市中心检查组",
              "result": "clear", "findings": ""} | data
    return client.post(f"/center/hs/funding/projects/{project.id}/checks", data=values,
                       follow_redirects=True)


def _paid(project, amount=100_000):
    claim = hs_claim(project, ClaimState.PAID, payable=amount)
    db.session.add(Payment(claim_id=claim.id, amount=amount, paid_on=TODAY, voucher_no="PZ-1",
                           recorded_by_id=centre().id, recorded_at=claim.created_at))
    db.session.commit()
    return claim


def _recoveries(project) -> list[Recovery]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Recovery)
                                   .where(Recovery.hs_proposal_id == project.id)))


def test_HS_W10_spot_check_and_audit_recorded_before_and_after_payment(app, client, login):
    """HS-W10: a check while the project runs and an audit after payment, listed per project
    and city-wide."""
    running, _ = completed_project(state=ProposalState.FILED, filed=False)
    paid, _ = completed_project()
    _paid(paid)
    login(centre())
    _check(client, running, findings="")
    _check(client, paid, kind="third_party_audit", auditor="北京某会计师事务所",
           result="problems", findings="签到表缺两天")
    db.session.rollback()
    rows = db.session.scalars(sa.select(HsCheck).order_by(HsCheck.id)).all()
    assert [(c.proposal_id, c.kind.value, c.result) for c in rows] == [
        (running.id, "spot_check", CheckResult.CLEAR),
        (paid.id, "third_party_audit", CheckResult.PROBLEMS)]
    page = client.get(f"/center/hs/funding/projects/{paid.id}").get_data(as_text=True)
    assert "签到表缺两天" in page and "北京某会计师事务所" in page
    city = client.get("/center/hs/funding/checks").get_data(as_text=True)
    assert running.title in city and paid.title in city
    only = client.get("/center/hs/funding/checks?result=problems").get_data(as_text=True)
    assert paid.title in only and running.title not in only
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.object_type == "hs_check")) == 2


def test_HS_W10_findings_required_unless_clear_and_auditor_for_audit(app, client, login):
    project, _ = completed_project()
    login(centre())
    page = _check(client, project, result="problems").get_data(as_text=True)
    assert "须填写检查发现" in page
    page = _check(client, project, kind="third_party_audit", auditor="").get_data(as_text=True)
    assert "须填写审计机构" in page
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HsCheck)) == 0


def test_HS_W10_host_cannot_record_a_check(app, client, login):
    org, user = host()
    project, _ = completed_project(org)
    login(user)
    answer = client.post(f"/enterprise/hs/funding/projects/{project.id}/checks",
                         data={"kind": "spot_check", "result": "clear",
                               "checked_on": TODAY.isoformat()})
    assert answer.status_code in (403, 404, 405)


def test_HS_subsidy_2_fraud_on_paid_project_disqualifies_host_and_opens_recovery(app, client, login):
    """HS-$2: 查实弄虚作假 → host disqualified (audited), recovery of the paid 100,000 due
    after recovery_due_days, listed in the centre's recoveries; repaid through the shared
    service until settled."""
    org, user = host()
    project, _ = completed_project(org)
    _paid(project)
    login(centre())
    _check(client, project, kind="third_party_audit", auditor="北京某会计师事务所",
           result="fraud", findings="虚报学员5人")
    host_row = db.session.get(Organisation, org.id)
    assert host_row.hs_disqualified_at is not None and "虚报学员5人" in host_row.hs_disqualified_reason
    (recovery,) = _recoveries(project)
    assert (recovery.amount, recovery.state, recovery.enterprise_id) == (
        100_000, RecoveryState.OPEN, org.id)
    assert recovery.due_on == TODAY + timedelta(days=30)
    assert recovery.programme_id is None and recovery.enrolment_id is None
    assert "HS-$2" in recovery.reason
    assert db.session.scalar(sa.select(AuditLog.id).where(
        AuditLog.object_type == "organisation", AuditLog.action == "hs_disqualify",
        AuditLog.object_id == org.id)) is not None
    listed = client.get("/center/recoveries").get_data(as_text=True)
    assert project.title in listed
    detail = client.get(f"/center/recoveries/{recovery.id}").get_data(as_text=True)
    assert "虚报学员5人" in detail
    client.post(f"/center/recoveries/{recovery.id}/repay",
                data={"amount": "100000", "paid_on": TODAY.isoformat(), "voucher_no": "JK-1"})
    (recovery,) = _recoveries(project)
    assert recovery.state == RecoveryState.SETTLED
    client.post("/logout")
    login(user)
    assert project.title in client.get("/enterprise/recoveries?state=all").get_data(as_text=True)


def test_HS_subsidy_2_fraud_before_payment_disqualifies_without_recovery_and_blocks_payment(
        app, client, login):
    """HS-$2: nothing paid, nothing to recover; the approved claim can no longer be paid."""
    org, _user = host()
    project, _ = completed_project(org)
    claim = hs_claim(project, ClaimState.APPROVED)
    employment_fund()
    login(centre())
    _check(client, project, result="fraud", findings="学员代签到")
    assert _recoveries(project) == []
    assert db.session.get(Organisation, org.id).hs_disqualified_at is not None
    page = client.post(f"/center/payments/claims/{claim.id}",
                       data={"paid_on": TODAY.isoformat(), "voucher_no": "PZ-9"},
                       follow_redirects=True).get_data(as_text=True)
    assert "不予拨付（规则 HS-$2）" in page
    db.session.rollback()
    assert db.session.get(Claim, claim.id).state == ClaimState.APPROVED


def test_HS_subsidy_2_second_fraud_finding_opens_no_second_recovery(app, client, login):
    org, _user = host()
    project, _ = completed_project(org)
    _paid(project)
    login(centre())
    _check(client, project, result="fraud", findings="虚报")
    first = db.session.get(Organisation, org.id).hs_disqualified_at
    _check(client, project, kind="third_party_audit", auditor="审计所", result="fraud",
           findings="再次查实")
    assert len(_recoveries(project)) == 1
    assert db.session.get(Organisation, org.id).hs_disqualified_at == first


def test_HS_subsidy_2_disqualified_host_cannot_submit_a_drafted_claim(app, client, login):
    """HS-$2: a draft made before the finding cannot be submitted after it."""
    org, user = host()
    project, _ = completed_project(org)
    claim = hs_claim(project, ClaimState.DRAFT)
    login(centre())
    _check(client, project, result="fraud", findings="虚报")
    client.post("/logout")
    login(user)
    page = client.post(f"/enterprise/hs/funding/claims/{claim.id}/submit",
                       follow_redirects=True).get_data(as_text=True)
    assert "（规则 HS-$2）" in page
    db.session.rollback()
    assert db.session.get(Claim, claim.id).state == ClaimState.DRAFT


def test_HS_subsidy_2_host_user_sees_its_recovery_order(app, client, login):
    """HS-$2: a `host` (university) user lists and opens its recovery; another host cannot."""
    from portal.models import OrgKind

    org, user = host(OrgKind.HOST)
    project, _ = completed_project(org)
    _paid(project)
    login(centre())
    _check(client, project, result="fraud", findings="虚报")
    (recovery,) = _recoveries(project)
    client.post("/logout")
    login(user)
    assert project.title in client.get("/host/recoveries").get_data(as_text=True)
    assert client.get(f"/host/recoveries/{recovery.id}").status_code == 200
    client.post("/logout")
    _other, stranger = host(OrgKind.HOST)
    login(stranger)
    assert client.get(f"/host/recoveries/{recovery.id}").status_code == 404
