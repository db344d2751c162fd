"""The demo's money (issue 12): a finished 磨工 class of 精工 that went the whole way.

Four apprentices established on 2025-03-03, the first claim paid from the two funds in order
(AP-$5), then the joint assessment (AP-S1): one pass with a vocational certificate, one pass
without (85 %), one fail, one on which enterprise and institution disagree. The final claim
is approved and paid; the fail's prepayment is an open recovery (AP-$4). The 铣工 class in
training has its first claim waiting for 朝阳区. Made through the services, idempotent.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from portal.apprenticeship.assessment import services as assessments
from portal.apprenticeship.enrolment import agreements
from portal.apprenticeship.enrolment import services as enrolments
from portal.apprenticeship.mentors import services as mentors
from portal.clock import today
from portal.core.workflow import Decision
from portal.extensions import db
from portal.models import Claim, Enrolment, FundSource, Programme, Verdict
from portal.money import claims, funds, payments

FINISHED_CLASS = "6-18-01-04"
ESTABLISHED = date(2025, 3, 3)
FIRST_PAID = date(2025, 5, 20)
# (year, source, available): 2025's special account is smaller than the first claim, so the
# payment is split across both funds.
FUNDS = ((2025, FundSource.SPECIAL_ACCOUNT, 6_000), (2025, FundSource.EMPLOYMENT_FUND, 200_000),
         (2026, FundSource.SPECIAL_ACCOUNT, 150_000), (2026, FundSource.EMPLOYMENT_FUND, 300_000))
# enterprise's and institution's verdicts, vocational certificate number
OUTCOMES = ((Verdict.PASSED, Verdict.PASSED, "S000011052500001"),
            (Verdict.PASSED, Verdict.PASSED, None),
            (Verdict.FAILED, Verdict.FAILED, None),
            (Verdict.PASSED, Verdict.FAILED, None))


def seed_money(story) -> None:
    """`story` is demo_story's helpers (users, programmes, people)."""
    if db.session.scalar(sa.select(Claim.id).limit(1)):
        return
    center, district = story.user("center"), story.user("chaoyang")
    employer, school = story.user("qiye"), story.user("jigou")
    for year, source, available in FUNDS:
        funds.set_available(center, year, source, available, note="年度预算（演示数据）")
    grinding = story.programme("qiye", FINISHED_CLASS)
    finished = _finished_class(story, grinding, employer, school, district)
    first = claims.create_first_claim(employer, grinding, day=FIRST_PAID - timedelta(days=40))
    _through_review(first, employer, district, center)
    payments.record_payment(center, first, FIRST_PAID, "京财社〔2025〕0520-01（演示）")
    day = today()
    for enrolment, (by_employer, by_school, certificate) in zip(finished, OUTCOMES, strict=True):
        vocational = None
        if certificate:
            vocational = assessments.Vocational("skill_level", "intermediate", certificate,
                                                date(2026, 2, 20))
        assessments.record_verdict(employer, enrolment, by_employer, vocational=vocational,
                                   day=day)
        assessments.record_verdict(school, enrolment, by_school, day=day)
    final = claims.create_final_claim(employer, grinding, day=day)
    _through_review(final, employer, district, center)
    payments.record_payment(center, final, day, "京财社〔2026〕1202-07（演示）")

    machining = story.programme("qiye", "6-18-01-02")
    waiting = claims.create_first_claim(employer, machining, day=day)
    claims.submit(employer, waiting)


def _through_review(claim, employer, district, center) -> None:
    claims.submit(employer, claim)
    claims.district_review(district, claim, Decision.APPROVE)
    claims.centre_review(center, claim, Decision.APPROVE)


def _finished_class(story, programme: Programme, employer, school, district) -> list[Enrolment]:
    people = [enrolments.register(employer, programme, story.people.registration(ESTABLISHED))
              for _ in OUTCOMES]
    db.session.flush()
    mentor, teacher = story.mentors(programme)
    mentors.assign(employer, programme, people, mentor)
    mentors.assign(school, programme, people, teacher)
    agreements.record_agreement(employer, programme, [e.id for e in people], ESTABLISHED,
                                collective=True, note="集体培训协议（演示数据）")
    for enrolment in people:
        enrolments.submit(employer, enrolment)
        enrolments.district_review(district, enrolment, Decision.APPROVE, day=ESTABLISHED)
    return people
