"""HS-$1, HS-W9, HS-$2 under concurrency (PostgreSQL): one claim per project, one payment per
claim, one certificate per trainee, one recovery per project, whatever the timing."""

import sqlalchemy as sa

from portal.extensions import db
from portal.high_skill.funding import certificates, checks, claims
from portal.models import (
    Certificate,
    CheckKind,
    CheckResult,
    Claim,
    ClaimState,
    HsProposal,
    Payment,
    Recovery,
    User,
)
from portal.money import payments
from tests.high_skill.factories_funding import (
    TODAY,
    centre,
    completed_project,
    employment_fund,
    host,
    hs_claim,
)
from tests.high_skill.funding.test_funding_checks import _paid
from tests.races import at_once, needs_postgres

pytestmark = needs_postgres


def _count(model, **where) -> int:
    db.session.rollback()
    q = sa.select(sa.func.count()).select_from(model)
    for column, value in where.items():
        q = q.where(getattr(model, column) == value)
    return db.session.scalar(q)


def test_HS_subsidy_1_two_claims_of_one_project_at_once_one_wins(app, db):
    """HS-$1: the host clicks twice (two sessions): exactly one claim, the other refused."""
    org, user = host()
    project, _ = completed_project(org)
    ids = (user.id, project.id)

    def create():
        return claims.create_claim(db.session.get(User, ids[0]),
                                   db.session.get(HsProposal, ids[1]))

    outcomes = at_once(app, db, create, create)
    assert outcomes.count("ok") == 1
    assert any("只能申请一次" in o for o in outcomes if o != "ok")
    assert _count(Claim, hs_proposal_id=project.id) == 1


def test_HS_subsidy_1_two_centre_users_pay_one_claim_at_once_one_payment(app, db):
    """HS-$1, AP-W4: the shared guarded "pay" step: one Payment, the other refused."""
    project, _ = completed_project()
    claim = hs_claim(project, ClaimState.APPROVED)
    fund = employment_fund()
    actors, claim_id = (centre().id, centre().id), claim.id

    def paying(actor_id, voucher):
        return lambda: payments.record_payment(db.session.get(User, actor_id),
                                               db.session.get(Claim, claim_id), TODAY, voucher)

    outcomes = at_once(app, db, paying(actors[0], "PZ-A"), paying(actors[1], "PZ-B"))
    assert outcomes.count("ok") == 1
    assert _count(Payment, claim_id=claim_id) == 1
    assert db.session.get(type(fund), fund.id).drawn == claim.payable


def test_HS_W9_two_centre_users_issue_at_once_one_certificate_each(app, db):
    project, trainees = completed_project(size=20)
    actors, project_id = (centre().id, centre().id), project.id

    def issuing(actor_id):
        return lambda: certificates.issue_certificates(db.session.get(User, actor_id),
                                                       db.session.get(HsProposal, project_id))

    outcomes = at_once(app, db, issuing(actors[0]), issuing(actors[1]))
    assert "ok" in outcomes
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
        Certificate.hs_trainee_id.in_([t.id for t in trainees]))) == 20


def test_HS_subsidy_2_two_fraud_findings_at_once_one_recovery(app, db):
    org, _user = host()
    project, _ = completed_project(org)
    _paid(project)
    actors, project_id = (centre().id, centre().id), project.id

    def finding(actor_id):
        return lambda: checks.record_check(
            db.session.get(User, actor_id), db.session.get(HsProposal, project_id),
            kind=CheckKind.SPOT_CHECK, result=CheckResult.FRAUD, checked_on=TODAY,
            findings="虚报学员")

    outcomes = at_once(app, db, finding(actors[0]), finding(actors[1]))
    assert outcomes == ["ok", "ok"]
    assert _count(Recovery, hs_proposal_id=project_id) == 1
