"""Test helpers for subsidy claims (AP-W3): users, assessments and a paid first claim."""

from datetime import datetime

from portal.extensions import db
from portal.models import Assessment, Organisation, Role, Verdict, VocationalCertificateType
from portal.money import claims
from portal.money.workflow import CLAIM_WORKFLOW
from tests.factories import make_user


def owner_of(programme):
    return make_user(Role.ENTERPRISE, org=db.session.get(Organisation, programme.enterprise_id))


def district_of(programme):
    return make_user(Role.DISTRICT, district=programme.district_code)


def centre():
    return make_user(Role.CENTER)


def assessed(enrolment, verdict: Verdict, certified: bool = False) -> Assessment:
    """An agreed joint assessment (AP-S1), with a vocational certificate if `certified`."""
    now = datetime(2026, 11, 30, 8, 0)
    cert = dict(vocational_type=VocationalCertificateType.SKILL_LEVEL,
                vocational_level="intermediate", vocational_number="ZS-2026-0001",
                vocational_issued_on=now.date()) if certified else {}
    assessment = Assessment(enrolment_id=enrolment.id, programme_id=enrolment.programme_id,
                            enterprise_verdict=verdict, institution_verdict=verdict,
                            enterprise_at=now, institution_at=now, agreed_verdict=verdict,
                            agreed_at=now, **cert)
    db.session.add(assessment)
    db.session.commit()
    return assessment


def approved(claim, district_user, centre_user, decision="approve"):
    """Submit `claim` and take it through both reviews (C-REV); committed."""
    from portal.core.workflow import Decision

    owner = owner_of_claim(claim)
    claims.submit(owner, claim)
    claims.district_review(district_user, claim, Decision.APPROVE)
    claims.centre_review(centre_user, claim, Decision(decision), "不予通过" if
                         decision == "reject" else "")
    db.session.commit()
    return claim


def owner_of_claim(claim):
    return make_user(Role.ENTERPRISE, org=db.session.get(Organisation, claim.enterprise_id))


def paid_first_claim(programme):
    """AP-W3 fixture shortcut: the first claim through submit, both reviews and the payment
    step of the workflow (CLAIM_WORKFLOW "pay"; helper D's record_payment adds the Payment row,
    which these tests do not need)."""
    owner, district, centre_user = owner_of(programme), district_of(programme), centre()
    claim = claims.create_first_claim(owner, programme)
    db.session.commit()
    approved(claim, district, centre_user)
    CLAIM_WORKFLOW.apply(centre_user, claim, "pay")
    db.session.commit()
    return claim
