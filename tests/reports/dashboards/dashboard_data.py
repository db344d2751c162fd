"""A small city for the dashboard tests: two districts, enrolments in every counted state
(one apprentice enrolled twice), a passed assessment, attendance, claims, a payment, a
recovery with a repayment, HS trainees."""

import re
from datetime import date

from portal.extensions import db
from portal.models import (
    Assessment,
    ClaimKind,
    ClaimState,
    EnrolmentState,
    HsTrainee,
    Role,
    Verdict,
)
from tests.enrolment_factories import make_apprentice, make_check_ins, make_class_session
from tests.factories import make_user
from tests.money.ledger_factories import lines_of, make_claim, make_fund, make_recovery, pay
from tests.money.payment_factories import approved_claim
from tests.money_factories import approved_programme, established

S = EnrolmentState
HOME, OTHER = "110105", "110108"  # 朝阳, 海淀


def _enrol(programme, state, year, apprentice=None):
    enrolment, _ = established(programme, state=state, established_on=date(year, 3, 1),
                               **({"apprentice": apprentice} if apprentice else {}))
    return enrolment


def build_city() -> dict:
    """Returns the programmes and counts a test may check against."""
    home = approved_programme(district=HOME)
    other = approved_programme(district=OTHER, level="advanced")
    twice = make_apprentice()
    first = _enrol(home, S.TRANSFERRED, 2022, apprentice=twice)  # 人次: counts, and again:
    _enrol(home, S.ACTIVE, 2023, apprentice=twice)
    actives = [_enrol(home, S.ACTIVE, 2024) for _ in range(2)]
    _enrol(home, S.WITHDRAWN, 2023)
    passed = _enrol(home, S.COMPLETED, 2021)
    db.session.add(Assessment(enrolment_id=passed.id, programme_id=home.id,
                              enterprise_verdict=Verdict.PASSED, institution_verdict=Verdict.PASSED,
                              agreed_verdict=Verdict.PASSED))
    _enrol(home, S.ACTIVE, 2020)  # before the AP-T1 period
    for _ in range(3):
        _enrol(other, S.ACTIVE, 2025)
    session = make_class_session(home, closed=True)
    make_check_ins(session, actives[:1])
    # Money: a paid first claim, an approved (held) claim, a recovery partly repaid.
    _, account = established(home, established_on=date(2024, 3, 1))
    claim = make_claim(home, [account], state=ClaimState.APPROVED)
    fund = make_fund(2026)
    pay(claim, [(fund, claim.payable)])
    approved_claim(home)
    _, lost = established(home, established_on=date(2024, 3, 1))
    final = make_claim(home, [lost], kind=ClaimKind.FINAL, state=ClaimState.APPROVED,
                       amounts=[-500])
    make_recovery(lines_of(final)[0], repayments=[(200, date(2026, 6, 1))])
    db.session.commit()
    return {"home": home, "other": other, "first": first}


def centre():
    return make_user(Role.CENTER)


def district(code: str = HOME):
    return make_user(Role.DISTRICT, district=code)


def figure_links(html: str) -> list[tuple[str, int]]:
    """Every (href, number) of a figure on the dashboard (each figure is such a link)."""
    return [(href.replace("&amp;", "&"), int(n))
            for href, n in re.findall(r'<a href="([^"]+)" data-figure="(\d+)"', html)]


def list_total(client, href: str) -> int:
    """The number of rows the list behind a figure shows (all on one page in these tests)."""
    html = client.get(href).get_data(as_text=True)
    if "/reports/" in href:
        total = int(re.search(r'data-total="(\d+)"', html).group(1))
        assert html.count('class="report-row"') == total  # one page: every row shown
        return total
    if "/quality" in href:
        return html.count('id="quality-')
    if "/ledger" in href:
        kind = re.search(r"kind=(\w+)", href).group(1)
        return int(re.search(rf'<tr id="total-{kind}"><th scope="row">[^<]*</th><td>(\d+)</td>',
                             html).group(1))
    if "/claims" in href:
        return html.count('<tr id="claim-')
    raise AssertionError(f"no list parser for {href}")


def hs_trainee(proposal_id: int, n: int) -> HsTrainee:
    return HsTrainee(proposal_id=proposal_id, name=f"研修学员{n}", resident_id=f"11010519900101{n:04d}",
                     employer_name="某单位", post="车工", level="technician",
                     certificate_number=f"C{n}", insured_months=24)
