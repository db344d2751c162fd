"""HS-$1, C-REV: the host's funding claim of a completed project, the centre's review and
the payment from 就业补助资金, through the real pages."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    AuditLog,
    Claim,
    ClaimKind,
    ClaimState,
    Fund,
    FundSource,
    OrgKind,
    Payment,
    PaymentPart,
    Role,
)
from tests.factories import make_user
from tests.high_skill.factories_funding import (
    TODAY,
    centre,
    completed_project,
    employment_fund,
    host,
)


def _fresh(model, id_):
    db.session.rollback()
    return db.session.get(model, id_)


def _claims_of(project_id: int) -> list[Claim]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Claim).where(Claim.hs_proposal_id == project_id)))


def _new_claim(client, user, project, **data):
    prefix = user.role.value
    return client.post(f"/{prefix}/hs/funding/projects/{project.id}/claim", data=data,
                       follow_redirects=True)


def test_HS_subsidy_1_host_claims_5000_per_trainee_centre_approves_and_pays_from_employment_fund(
        app, client, login):
    """HS-$1, AP-$5: 20 on the filed roster → 100,000 yuan; submitted to the centre (no
    district step), approved, paid once from 就业补助资金 of the year."""
    org, user = host()
    project, _ = completed_project(org, size=20)
    special = Fund(year=TODAY.year, source=FundSource.SPECIAL_ACCOUNT, available=500_000)
    db.session.add(special)
    db.session.commit()
    fund = employment_fund(300_000)
    login(user)
    page = client.get(f"/enterprise/hs/funding/projects/{project.id}").get_data(as_text=True)
    assert 'id="claim-amount">100,000<' in page
    assert "已生成研修经费申请草稿" in _new_claim(client, user, project).get_data(as_text=True)
    (claim,) = _claims_of(project.id)
    assert (claim.kind, claim.state, claim.headcount, claim.payable) == (
        ClaimKind.HS_FUNDING, ClaimState.DRAFT, 20, 100_000)
    assert claim.programme_id is None and claim.enterprise_id == org.id
    assert claim.district_code == org.district_code
    answer = client.post(f"/enterprise/hs/funding/claims/{claim.id}/submit",
                         follow_redirects=True).get_data(as_text=True)
    assert "已提交市就业促进中心审核" in answer
    assert _fresh(Claim, claim.id).state == ClaimState.SUBMITTED

    client.post("/logout")
    boss = centre()
    login(boss)
    queue = client.get("/center/hs/funding/claims").get_data(as_text=True)
    assert claim.number in queue and "待市级审核" in queue
    client.post(f"/center/hs/funding/claims/{claim.id}/review", data={"decision": "approve"})
    assert _fresh(Claim, claim.id).state == ClaimState.APPROVED
    due = client.get("/center/payments?scheme=hs").get_data(as_text=True)
    assert claim.number in due and "就业补助资金 100000" in due
    client.post(f"/center/payments/claims/{claim.id}",
                data={"paid_on": TODAY.isoformat(), "voucher_no": "PZ-HS-1"})
    assert _fresh(Claim, claim.id).state == ClaimState.PAID
    (payment,) = db.session.scalars(sa.select(Payment).where(Payment.claim_id == claim.id))
    (part,) = db.session.scalars(sa.select(PaymentPart).where(PaymentPart.payment_id == payment.id))
    assert (payment.amount, part.fund_id, part.amount) == (100_000, fund.id, 100_000)
    assert db.session.get(Fund, special.id).drawn == 0  # HS never draws the special account
    actions = list(db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "claim", AuditLog.object_id == claim.id).order_by(AuditLog.id)))
    assert actions == ["create", "submit", "approve", "pay"]


def test_HS_subsidy_1_recording_payment_twice_refused(app, client, login):
    """HS-$1, AP-W4: a second payment of the same claim is refused; one Payment."""
    org, user = host()
    project, _ = completed_project(org, size=20)
    employment_fund()
    from tests.high_skill.factories_funding import hs_claim

    claim = hs_claim(project)
    login(centre())
    data = {"paid_on": TODAY.isoformat(), "voucher_no": "PZ-1"}
    client.post(f"/center/payments/claims/{claim.id}", data=data)
    again = client.post(f"/center/payments/claims/{claim.id}", data={**data, "voucher_no": "PZ-2"},
                        follow_redirects=True).get_data(as_text=True)
    assert "不能重复记录拨付" in again
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)
                             .where(Payment.claim_id == claim.id)) == 1


def test_HS_subsidy_1_claim_before_roster_filed_refused(app, client, login):
    """HS-$1: a completed project without a filed completion roster cannot be claimed."""
    org, user = host()
    project, _ = completed_project(org, filed=False)
    login(user)
    page = _new_claim(client, user, project).get_data(as_text=True)
    assert "尚未报送结业登记备案名册" in page and "（规则 HS-$1）" in page
    assert _claims_of(project.id) == []


def test_HS_subsidy_1_claim_of_project_not_completed_refused(app, client, login):
    """HS-$1: a project still running (filed list, classes under way) cannot be claimed."""
    from portal.models import ProposalState

    org, user = host()
    project, _ = completed_project(org, state=ProposalState.FILED, filed=False)
    login(user)
    page = _new_claim(client, user, project).get_data(as_text=True)
    assert "结业备案后才能申请研修经费" in page
    assert _claims_of(project.id) == []


def test_HS_subsidy_1_second_claim_for_same_project_refused(app, client, login):
    """HS-$1: one claim per project, whatever became of the first."""
    org, user = host()
    project, _ = completed_project(org)
    login(user)
    _new_claim(client, user, project)
    page = _new_claim(client, user, project).get_data(as_text=True)
    assert "每个项目只能申请一次" in page
    assert len(_claims_of(project.id)) == 1


def test_HS_subsidy_2_claim_by_disqualified_host_refused(app, client, login):
    """HS-$2: a host disqualified for fraud claims nothing."""
    from datetime import datetime

    org, user = host(hs_disqualified_at=datetime(2026, 1, 5),
                     hs_disqualified_reason="虚报学员")
    project, _ = completed_project(org)
    login(user)
    page = client.get(f"/enterprise/hs/funding/projects/{project.id}").get_data(as_text=True)
    assert "取消承办资格" in page and "生成经费申请</button>" not in page
    answer = _new_claim(client, user, project).get_data(as_text=True)
    assert "（规则 HS-$2）" in answer
    assert _claims_of(project.id) == []


def test_HS_subsidy_1_amount_typed_by_host_is_ignored(app, client, login):
    """HS-$1: the amount comes from hs_funding(roster size) alone; posted figures are not read."""
    org, user = host()
    project, _ = completed_project(org, size=21)
    login(user)
    _new_claim(client, user, project, payable="999999", amount="999999", headcount="99")
    (claim,) = _claims_of(project.id)
    assert (claim.headcount, claim.payable) == (21, 105_000)
    client.post(f"/enterprise/hs/funding/claims/{claim.id}/submit",
                data={"payable": "1", "amount": "1"})
    claim = _fresh(Claim, claim.id)
    assert (claim.state, claim.payable) == (ClaimState.SUBMITTED, 105_000)


def test_HS_subsidy_1_rate_is_the_parameter_in_force_on_submission(app, client, login):
    """HS-$1, C-EFF: the per-trainee rate is a parameter; submission recomputes with it."""
    from portal.models import ParameterValue

    org, user = host()
    project, _ = completed_project(org, size=20)
    login(user)
    _new_claim(client, user, project)
    (claim,) = _claims_of(project.id)
    db.session.add(ParameterValue(key="hs_funding_per_trainee", value=6000,
                                  effective_from=TODAY, note="标准调整"))
    db.session.commit()
    client.post(f"/enterprise/hs/funding/claims/{claim.id}/submit")
    assert _fresh(Claim, claim.id).payable == 120_000


def test_HS_subsidy_1_centre_returns_with_comment_host_resubmits(app, client, login):
    """C-REV, HS-$1: a return needs a comment; the host resubmits the returned claim."""
    org, user = host(OrgKind.HOST)
    project, _ = completed_project(org)
    login(user)
    _new_claim(client, user, project)
    (claim,) = _claims_of(project.id)
    client.post(f"/host/hs/funding/claims/{claim.id}/submit")
    client.post("/logout")
    login(centre())
    client.post(f"/center/hs/funding/claims/{claim.id}/review", data={"decision": "return"})
    assert _fresh(Claim, claim.id).state == ClaimState.SUBMITTED  # no comment: refused
    client.post(f"/center/hs/funding/claims/{claim.id}/review",
                data={"decision": "return", "comment": "请补充结业名册签字页"})
    assert _fresh(Claim, claim.id).state == ClaimState.RETURNED
    client.post("/logout")
    login(user)
    page = client.get(f"/host/hs/funding/claims/{claim.id}").get_data(as_text=True)
    assert "请补充结业名册签字页" in page
    client.post(f"/host/hs/funding/claims/{claim.id}/submit")
    assert _fresh(Claim, claim.id).state == ClaimState.SUBMITTED


def test_HS_subsidy_1_district_sees_no_high_skill_claim_and_ap_lists_stay_ap_only(app, client, login):
    """HS-$1, C-DIST: a municipal programme: the host's district neither lists nor opens the
    claim; the apprenticeship claim lists and counters of the centre leave it out."""
    org, user = host()
    project, _ = completed_project(org)
    from tests.high_skill.factories_funding import hs_claim

    claim = hs_claim(project, ClaimState.SUBMITTED)
    district = make_user(Role.DISTRICT, district=org.district_code)
    login(district)
    assert claim.number not in client.get("/district/claims?state=all").get_data(as_text=True)
    assert client.get(f"/district/claims/{claim.id}").status_code == 404
    client.post("/logout")
    login(centre())
    page = client.get("/center/claims?state=all").get_data(as_text=True)
    assert page.count(claim.number) == 0
    assert client.get("/center/recoveries?state=all").status_code == 200
    assert client.get("/center/ledger").status_code == 200


def test_HS_subsidy_1_payment_never_falls_back_on_the_special_account(app, client, login):
    """HS-$1, AP-$5: with only the special account recorded, an HS payment is refused (the
    employment fund of the year is missing) and nothing is drawn."""
    from tests.high_skill.factories_funding import hs_claim

    project, _ = completed_project()
    claim = hs_claim(project)
    special = Fund(year=TODAY.year, source=FundSource.SPECIAL_ACCOUNT, available=1_000_000)
    db.session.add(special)
    db.session.commit()
    login(centre())
    page = client.post(f"/center/payments/claims/{claim.id}",
                       data={"paid_on": TODAY.isoformat(), "voucher_no": "PZ-X"},
                       follow_redirects=True).get_data(as_text=True)
    assert "资金余额不足" in page and "就业补助资金" in page
    assert _fresh(Claim, claim.id).state == ClaimState.APPROVED
    assert db.session.get(Fund, special.id).drawn == 0
