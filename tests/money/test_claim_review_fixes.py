"""Defects a review found in the first build of the claims (AP-$3, AP-$4, AP-W3, AP-$6)."""

from datetime import date, datetime
from io import BytesIO

import openpyxl
import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    ClaimKind,
    ClaimLine,
    ClaimState,
    EnrolmentState,
    Outcome,
    Programme,
    Repayment,
    Role,
    Verdict,
)
from portal.money import claims, closing
from portal.money.ledger import LedgerFilters
from portal.money.ledger.export import ledger_xlsx
from tests.factories import make_user
from tests.money.claim_helpers import (
    approved,
    assessed,
    centre,
    district_of,
    owner_of,
    paid_first_claim,
)
from tests.money.ledger_factories import lines_of, make_claim, make_recovery
from tests.money_factories import approved_programme, established


def _lines(claim):
    return {line.enrolment_id: (line.outcome, line.amount) for line in db.session.scalars(
        sa.select(ClaimLine).where(ClaimLine.claim_id == claim.id))}


def test_AP_4_transferred_apprentice_prepayment_recovered_on_final_claim(app):
    """AP-$4: a transfer ends the record in this programme like a withdrawal: the final
    claim recovers the 2,500 prepaid here (the target programme prepays its own)."""
    programme = approved_programme()
    moved, _ = established(programme)
    stayed, _ = established(programme)
    paid_first_claim(programme)
    assessed(stayed, Verdict.PASSED, certified=True)
    moved.state = EnrolmentState.TRANSFERRED
    db.session.commit()
    claim = claims.create_final_claim(owner_of(programme), programme)
    assert _lines(claim) == {moved.id: (Outcome.WITHDRAWN, -2500),
                             stayed.id: (Outcome.PASSED_CERTIFIED, 2500)}


def test_AP_3_submit_regathers_lines_after_certificate_recorded(app):
    """AP-$3: a draft made before the vocational certificate was recorded is submitted with
    the certificate's 100 %, not the draft's 85 %."""
    programme = approved_programme()
    enrolment, _ = established(programme)
    paid_first_claim(programme)
    assessment = assessed(enrolment, Verdict.PASSED)
    owner = owner_of(programme)
    draft = claims.create_final_claim(owner, programme)
    db.session.commit()
    assert _lines(draft) == {enrolment.id: (Outcome.PASSED, 1750)}
    issued_on = assessment.agreed_at.date()
    assessment.vocational_type = "skill_level"
    assessment.vocational_level = "intermediate"
    assessment.vocational_number = "ZS-2026-7"
    assessment.vocational_issued_on = issued_on
    db.session.commit()
    claims.submit(owner, draft)
    db.session.commit()
    assert _lines(draft) == {enrolment.id: (Outcome.PASSED_CERTIFIED, 2500)}
    assert draft.payable == 2500


def test_AP_W3_programme_stays_open_while_a_prepaid_apprentice_is_unsettled(app):
    """AP-W3: the final claim of the assessed half paid, recoveries settled, but the other
    half was prepaid and is not assessed yet: the programme does not close."""
    programme = approved_programme()
    done, _ = established(programme)
    waiting, _ = established(programme)
    paid_first_claim(programme)
    assessed(done, Verdict.PASSED, certified=True)
    final = claims.create_final_claim(owner_of(programme), programme)
    approved(final, district_of(programme), centre())
    from portal.money.workflow import CLAIM_WORKFLOW

    CLAIM_WORKFLOW.apply(centre(), final, "pay")
    db.session.commit()
    assert not closing.is_done(programme.id)
    assessed(waiting, Verdict.PASSED, certified=True)
    second = claims.create_final_claim(owner_of(programme), programme)
    approved(second, district_of(programme), centre())
    CLAIM_WORKFLOW.apply(centre(), second, "pay")
    db.session.commit()
    assert closing.is_done(programme.id)


def test_AP_W3_closed_programme_claims_nothing(app):
    programme = approved_programme()
    established(programme)
    programme.closed_on = programme.start_date
    db.session.commit()
    assert claims.first_claim_blocker(owner_of(programme), programme) == claims.CLOSED


def test_AP_6_export_keeps_a_typed_formula_as_text(app, login, client):
    """AP-$6: a voucher number typed as a formula is exported as text, never run."""
    programme = approved_programme()
    _, account = established(programme)
    claim = make_claim(programme, [account], kind=ClaimKind.FINAL, state=ClaimState.PAID,
                       amounts=[-2500])
    (line,) = lines_of(claim)
    recovery = make_recovery(line)
    user = make_user(Role.CENTER)
    db.session.add(Repayment(recovery_id=recovery.id, amount=100, paid_on=date(2026, 11, 2),
                             voucher_no='=HYPERLINK("http://x","点击")', recorded_by_id=user.id,
                             recorded_at=datetime(2026, 11, 2, 9, 0)))
    db.session.commit()
    sheet = openpyxl.load_workbook(BytesIO(ledger_xlsx(user, LedgerFilters()))).active
    cells = [c for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_ledger_ignores_digits_that_are_not_ascii(app, login, client):
    programme = approved_programme()
    owner = owner_of(programme)
    login(owner)
    for query in ("year=²", "programme=²", "page=²", "year=١٢"):
        assert client.get(f"/enterprise/ledger?{query}").status_code == 200, query
    assert db.session.get(Programme, programme.id)
