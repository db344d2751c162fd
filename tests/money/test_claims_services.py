"""Subsidy claims through the services over a real database (AP-$3, AP-$4, AP-W3, AP-W4)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.clock import today
from portal.core.errors import ServiceError
from portal.core.workflow import Decision
from portal.extensions import db
from portal.models import (
    Assessment,
    AuditLog,
    ClaimKind,
    ClaimLine,
    ClaimState,
    EnrolmentState,
    Outcome,
    Recovery,
    Verdict,
)
from portal.money import claims
from tests.enrolment_factories import make_enrolment
from tests.money.claim_helpers import (
    approved,
    assessed,
    centre,
    district_of,
    owner_of,
    paid_first_claim,
)
from tests.money_factories import account_of, approved_programme, established


def test_AP_4_first_claim_gathers_established_not_yet_claimed(app):
    """AP-$4: established apprentices (active, suspended, completed) at their prepayment;
    not registrations still under review nor withdrawn ones."""
    programme = approved_programme()
    a, _ = established(programme)
    b, _ = established(programme, state=EnrolmentState.SUSPENDED)
    established(programme, state=EnrolmentState.WITHDRAWN, established_on=programme.start_date)
    make_enrolment(EnrolmentState.SUBMITTED, programme=programme)
    claim = claims.create_first_claim(owner_of(programme), programme)
    db.session.commit()
    lines = db.session.scalars(sa.select(ClaimLine).where(ClaimLine.claim_id == claim.id)).all()
    assert sorted(line.enrolment_id for line in lines) == sorted([a.id, b.id])
    assert [line.amount for line in lines] == [2500, 2500]
    assert (claim.payable, claim.recoverable, claim.headcount) == (5000, 0, 2)
    assert claim.number.startswith("BT") and claim.number.endswith(f"{claim.id:06d}")
    assert claim.state == ClaimState.DRAFT


def test_AP_W4_claim_never_holds_an_apprentice_twice(app):
    """AP-W4: a second first claim finds no one; the partial unique index refuses a second
    held line for the same account even if a check were bypassed."""
    programme = approved_programme()
    _, account = established(programme)
    owner = owner_of(programme)
    first = claims.create_first_claim(owner, programme)
    db.session.commit()
    with pytest.raises(ServiceError, match="没有可申请的学徒"):
        claims.create_first_claim(owner, programme)
    db.session.rollback()
    db.session.add(ClaimLine(claim_id=first.id, account_id=account.id,
                             enrolment_id=account.enrolment_id, kind=ClaimKind.FIRST,
                             amount=2500))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_AP_W4_rejected_claim_releases_its_apprentices(app):
    """AP-W4, C-REV: a rejection releases the lines; the apprentices can be claimed again."""
    programme = approved_programme()
    established(programme)
    owner = owner_of(programme)
    claim = claims.create_first_claim(owner, programme)
    db.session.commit()
    claims.submit(owner, claim)
    claims.district_review(district_of(programme), claim, Decision.REJECT, "材料不实")
    db.session.commit()
    assert claim.state == ClaimState.REJECTED
    again = claims.create_first_claim(owner, programme)
    db.session.commit()
    assert again.headcount == 1


def test_C_REV_return_needs_comment_and_refresh_resubmits(app):
    """C-REV: a return needs a comment; the owner refreshes the lines and resubmits."""
    programme = approved_programme()
    established(programme)
    owner, district = owner_of(programme), district_of(programme)
    claim = claims.create_first_claim(owner, programme)
    claims.submit(owner, claim)
    db.session.commit()
    with pytest.raises(ServiceError, match="C-REV"):
        claims.district_review(district, claim, Decision.RETURN, "")
    db.session.rollback()
    claims.district_review(district, claim, Decision.RETURN, "请补充名单")
    db.session.commit()
    established(programme)  # one more apprentice established meanwhile
    claims.refresh(owner, claim)
    claims.submit(owner, claim)
    db.session.commit()
    assert (claim.state, claim.headcount, claim.payable) == (ClaimState.SUBMITTED, 2, 5000)
    assert claim.last_comment == "请补充名单"


def test_AP_V2_suspended_programme_cannot_claim(app):
    """AP-V2: no claim is started or submitted while the programme is suspended."""
    from datetime import date

    from portal.apprenticeship.programmes import suspension

    programme = approved_programme()
    established(programme)
    owner, district = owner_of(programme), district_of(programme)
    draft = claims.create_first_claim(owner, programme)
    suspension.suspend(district, programme, "培训不规范", date(2026, 12, 2))
    db.session.commit()
    with pytest.raises(ServiceError, match="AP-V2"):
        claims.submit(owner, draft)
    db.session.rollback()
    draft_id = draft.id
    db.session.execute(sa.delete(ClaimLine).where(ClaimLine.claim_id == draft_id))
    db.session.commit()
    with pytest.raises(ServiceError, match="项目停训期间不能申请补贴"):
        claims.create_first_claim(owner, programme)
    db.session.rollback()
    assert "AP-V2" in claims.first_claim_blocker(owner, programme)


def test_AP_W3_final_claim_requires_paid_first_claim(app):
    """AP-W3: no final claim before the first claim is paid (approved is not enough)."""
    programme = approved_programme()
    enrolment, _ = established(programme)
    owner = owner_of(programme)
    claim = claims.create_first_claim(owner, programme)
    db.session.commit()
    approved(claim, district_of(programme), centre())
    assessed(enrolment, Verdict.PASSED)
    with pytest.raises(ServiceError, match="AP-W3"):
        claims.create_final_claim(owner, programme)
    db.session.rollback()
    assert "AP-W3" in claims.final_claim_blocker(owner, programme)


def _final(programme, owner=None):
    claim = claims.create_final_claim(owner or owner_of(programme), programme)
    db.session.commit()
    return claim


def _lines(claim):
    return db.session.scalars(sa.select(ClaimLine).where(ClaimLine.claim_id == claim.id)
                              .order_by(ClaimLine.id)).all()


def test_AP_4_final_claim_acceptance_figures_and_recovery(app):
    """AP-$3, AP-$4 acceptance figures (ordinary 中级): pass without certificate 4250 / 1750;
    with certificate 5000 / 2500; failed −2500 → a recovery of 2500 after centre approval;
    withdrawn −2500 too. Assessments are locked (AP-W4)."""
    programme = approved_programme()
    plain, _ = established(programme)
    certified, _ = established(programme)
    failed, _ = established(programme)
    leaver, _ = established(programme)
    unassessed, _ = established(programme)
    paid_first_claim(programme)
    assessed(plain, Verdict.PASSED)
    assessed(certified, Verdict.PASSED, certified=True)
    assessed(failed, Verdict.FAILED)
    leaver.state = EnrolmentState.WITHDRAWN
    db.session.commit()
    claim = _final(programme)
    got = {line.enrolment_id: (line.outcome, line.entitlement, line.prepaid, line.amount)
           for line in _lines(claim)}
    assert got == {
        plain.id: (Outcome.PASSED, 4250, 2500, 1750),
        certified.id: (Outcome.PASSED_CERTIFIED, 5000, 2500, 2500),
        failed.id: (Outcome.FAILED, 0, 2500, -2500),
        leaver.id: (Outcome.WITHDRAWN, 0, 2500, -2500),
    }
    assert unassessed.id not in got
    assert (claim.payable, claim.recoverable, claim.headcount) == (4250, 5000, 4)
    approved(claim, district_of(programme), centre())
    recoveries = db.session.scalars(sa.select(Recovery).order_by(Recovery.enrolment_id)).all()
    assert [(r.enrolment_id, r.amount, r.state.value) for r in recoveries] == [
        (failed.id, 2500, "open"), (leaver.id, 2500, "open")]
    # due_on = the approval day + the recovery_due_days parameter (30 days).
    assert {r.due_on for r in recoveries} == {today() + timedelta(days=30)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "recovery", AuditLog.action == "open")) == 2
    locked = db.session.scalars(sa.select(Assessment.locked_at)).all()
    assert locked and all(locked)
    account = account_of(plain)
    assert (account.outcome, account.entitlement) == (Outcome.PASSED, 4250)


def test_AP_4_urgent_outside_scope_advanced_passed(app):
    """AP-$3: urgent occupation outside the assessment scope, 高级, passed → 16000 / 8000."""
    programme = approved_programme(level="advanced")
    enrolment, account = established(programme, urgent=True, in_scope=False)
    assert account.prepayment == 8000
    paid_first_claim(programme)
    assessed(enrolment, Verdict.PASSED)
    [line] = _lines(_final(programme))
    assert (line.entitlement, line.amount) == (16000, 8000)


LEVELS = ("intermediate", "advanced", "technician", "senior_technician")
STANDARD = {False: {"intermediate": 5000, "advanced": 6000, "technician": 7000,
                    "senior_technician": 8000},
            True: {"intermediate": 7000, "advanced": 8000, "technician": 9000,
                   "senior_technician": 10000}}
YEARS = {"intermediate": 1, "advanced": 2, "technician": 2, "senior_technician": 2}
# (outcome, verdict, certified) → percent of the full amount for (urgent, in scope)
OUTCOMES = (("passed_certified", Verdict.PASSED, True), ("passed", Verdict.PASSED, False),
            ("failed", Verdict.FAILED, False), ("withdrawn", None, False))


def _expected_pct(outcome: str, urgent: bool, in_scope: bool) -> int:
    if outcome in ("failed", "withdrawn"):
        return 0
    if outcome == "passed_certified" or (urgent and not in_scope):
        return 100
    return 85


@pytest.mark.parametrize("urgent", (False, True), ids=("ordinary", "urgent"))
@pytest.mark.parametrize("in_scope", (True, False), ids=("in_scope", "out_of_scope"))
@pytest.mark.parametrize("level", LEVELS)
def test_AP_3_subsidy_matrix_through_final_claim(app, urgent, in_scope, level):
    """AP-$1..$4 matrix: 2 categories × 4 levels × outcomes × assessment scope, through
    create_final_claim: entitlement, prepaid and remainder of each line."""
    programme = approved_programme(level=level)
    people = {}
    for outcome, _, _ in OUTCOMES:
        people[outcome], _ = established(programme, urgent=urgent, in_scope=in_scope)
    paid_first_claim(programme)
    for outcome, verdict, certified in OUTCOMES:
        if verdict is None:
            people[outcome].state = EnrolmentState.WITHDRAWN
            db.session.commit()
        else:
            assessed(people[outcome], verdict, certified)
    full = STANDARD[urgent][level] * YEARS[level]
    by_enrolment = {line.enrolment_id: line for line in _lines(_final(programme))}
    for outcome, _, _ in OUTCOMES:
        line = by_enrolment[people[outcome].id]
        entitlement = full * _expected_pct(outcome, urgent, in_scope) // 100
        assert (line.outcome.value, line.entitlement, line.prepaid, line.amount) == (
            outcome, entitlement, full // 2, entitlement - full // 2), outcome


def test_AP_W4_concurrent_claim_of_the_same_apprentice_is_answered_in_words(app):
    """AP-W4: lines gathered before another claim took the apprentice (a race) are refused by
    the partial unique index and answered with a message, never a 500."""
    from portal.models import Claim
    from portal.money import claim_lines

    programme = approved_programme()
    established(programme)
    owner = owner_of(programme)
    gathered = claim_lines.first_lines(programme.id)  # the loser read the list first
    claims.create_first_claim(owner, programme)
    db.session.commit()
    loser = Claim(number="BT2026-RACE", kind=ClaimKind.FIRST, programme_id=programme.id,
                  enterprise_id=programme.enterprise_id, district_code=programme.district_code)
    db.session.add(loser)
    db.session.flush()
    with pytest.raises(ServiceError, match="AP-W4"):
        claims._write_lines(loser, gathered)
    db.session.rollback()


def test_C_REV_claim_worklists_count_what_waits(app):
    """C-REV: the district sees submitted claims, the centre district-approved ones, the
    enterprise its returned ones, each in its worklist."""
    from portal.worklist.registry import worklist_for

    programme = approved_programme()
    established(programme)
    owner, district, centre_user = owner_of(programme), district_of(programme), centre()
    claim = claims.create_first_claim(owner, programme)
    claims.submit(owner, claim)
    db.session.commit()

    def count(user, key):
        with app.test_request_context():
            return {w.key: w.count for w in worklist_for(user).items}.get(key, 0)

    assert count(district, "district-claims") == 1
    claims.district_review(district, claim, Decision.APPROVE)
    db.session.commit()
    assert (count(district, "district-claims"), count(centre_user, "center-claims")) == (0, 1)
    claims.centre_review(centre_user, claim, Decision.RETURN, "请核对名单")
    db.session.commit()
    assert count(owner, "returned-claims") == 1
    with app.test_request_context():
        [item] = worklist_for(owner).returned
    assert (item.comment, item.url) == ("请核对名单", f"/enterprise/claims/{claim.id}")
