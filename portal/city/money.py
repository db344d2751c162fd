"""The city's subsidy money (AP-W3, AP-$4, AP-$5): accounts of every established apprentice,
first claims in every state (most paid, from the two funds in order), final claims with
assessments and certificates for finished classes, recoveries and repayments."""

from collections import defaultdict
from datetime import timedelta

from portal import rules
from portal.models import (
    Assessment,
    Certificate,
    Claim,
    ClaimLine,
    Fund,
    Payment,
    PaymentPart,
    Recovery,
    Repayment,
    SubsidyAccount,
)

TABLES = tuple(m.__table__ for m in (SubsidyAccount, Claim, ClaimLine, Fund, Payment,
                                     PaymentPart, Recovery, Repayment, Assessment, Certificate))
FIRST_STATES = (("paid", 70), ("approved", 8), ("district_approved", 8), ("submitted", 10),
                ("returned", 4))
FINAL_STATES = (("paid", 55), ("approved", 15), ("district_approved", 10), ("submitted", 20))
OUTCOMES = (("passed_certified", 60), ("passed", 25), ("failed", 15))
SPECIAL_SHARE_PCT = 60  # of a year's payments the special account can carry


def _number(rng, year: int) -> str:
    """Like portal.certificates.issue's random numbers, but drawn from the seed."""
    return f"SC{year}" + "".join(rng.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(10))


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class _Money:
    def __init__(self, city):
        self.city, self.w, self.rng = city, city.w, city.rng
        self.funds: dict[int, list[dict]] = {}
        self.paid_by_year: dict[int, int] = defaultdict(int)
        self.payments: list[tuple[dict, int]] = []  # (payment row, year)
        self.programmes_seen = 0

    def account(self, enrolment_id, programme, outcome=None, entitlement=None) -> dict:
        level, urgent = programme["level"], programme["urgent"]
        t = SubsidyAccount.__table__
        return self.w.add(t, dict(
            id=self.w.id(t), enrolment_id=enrolment_id, programme_id=programme["id"],
            enterprise_id=programme["enterprise_id"], institution_id=programme["institution_id"],
            district_code=programme["district_code"], established_on=programme["start_date"],
            level=level, urgent=urgent, in_assessment_scope=programme["scope"],
            standard=rules.subsidy_standard(level, urgent), years=rules.subsidised_years(level),
            prepayment=rules.subsidy_prepayment(level, urgent), outcome=outcome,
            entitlement=entitlement, created_at=self.city.now, updated_at=self.city.now))

    def claim(self, programme, kind, state, lines, at) -> list[dict]:
        """A claim of `lines` [(account, amount, extra)] with its review trail and payment;
        returns the line rows."""
        city, t = self.city, Claim.__table__
        claim_id = self.w.id(t)
        payable = sum(a for _acc, a, _x in lines if a > 0)
        self.w.add(t, dict(
            id=claim_id, number=f"BT{at.year}-{claim_id:06d}", kind=kind,
            programme_id=programme["id"], enterprise_id=programme["enterprise_id"],
            district_code=programme["district_code"], state=state, payable=payable,
            recoverable=-sum(a for _acc, a, _x in lines if a < 0), headcount=len(lines),
            submitted_at=at, decided_at=at + timedelta(days=10) if state != "submitted" else None,
            last_comment="" if state != "returned" else "请补充学徒社保缴纳证明",
            created_by_id=city.org_user[programme["enterprise_id"]], created_at=at,
            updated_at=at))
        lt = ClaimLine.__table__
        line_rows = [self.w.add(lt, dict(id=self.w.id(lt), claim_id=claim_id, account_id=account["id"],
                                enrolment_id=account["enrolment_id"], kind=kind, amount=amount,
                                released=False, entitlement=extra.get("entitlement"),
                                prepaid=extra.get("prepaid"), outcome=extra.get("outcome")))
                     for account, amount, extra in lines]
        actor = city.org_user[programme["enterprise_id"]]
        reviewer = city.reviewer[programme["district_code"]]
        city.audit("claim", claim_id, "create", actor, "enterprise", at, None, "draft")
        city.audit("claim", claim_id, "submit", actor, "enterprise", at, "draft", "submitted")
        if state != "submitted":
            city.audit("claim", claim_id, "return" if state == "returned" else "approve",
                       reviewer, "district", at + timedelta(days=5), "submitted",
                       "returned" if state == "returned" else "district_approved")
        if state in ("approved", "paid"):
            city.audit("claim", claim_id, "approve", city.center, "center",
                       at + timedelta(days=10), "district_approved", "approved")
        if state == "paid":
            paid_on = min(at + timedelta(days=20), city.now).date()
            payment = self.w.add(Payment.__table__, dict(
                id=self.w.id(Payment.__table__), claim_id=claim_id, amount=payable,
                paid_on=paid_on, voucher_no=f"JZ{paid_on:%Y%m%d}{claim_id:05d}",
                recorded_by_id=city.center, recorded_at=at + timedelta(days=20)))
            self.paid_by_year[paid_on.year] += payable
            self.payments.append((payment, paid_on.year))
            city.audit("claim", claim_id, "pay", city.center, "center",
                       at + timedelta(days=20), "approved", "paid")
        return line_rows

    def funds_and_parts(self) -> None:
        """AP-$5: each year's special account carries part; the employment fund the rest.

        The splits are worked out before any fund row is written, so a buffer flushed
        midway never writes a fund with part of its drawn amount."""
        t, pt = Fund.__table__, PaymentPart.__table__
        headroom = 2_000_000
        funds, parts = {}, []
        for year, total in sorted(self.paid_by_year.items()):
            special = total * SPECIAL_SHARE_PCT // 100
            funds[year] = [dict(id=self.w.id(t), year=year, source=source,
                                available=amount + headroom, drawn=0, note="规模数据",
                                created_at=self.city.now, updated_at=self.city.now)
                           for source, amount in (("special_account", special),
                                                  ("employment_fund", total - special))]
        for payment, year in self.payments:
            special, employment = funds[year]
            remaining = special["available"] - special["drawn"]
            for code, part in rules.funding_source_for(payment["amount"], remaining):
                fund = special if code == "special_account" else employment
                fund["drawn"] += part
                parts.append(dict(id=self.w.id(pt), payment_id=payment["id"],
                                  fund_id=fund["id"], amount=part))
        for rows in funds.values():
            for row in rows:
                self.w.add(t, row)
        for row in parts:
            self.w.add(pt, row)


def subsidies(city) -> None:
    money = _Money(city)
    by_programme: dict[int, list] = defaultdict(list)
    programmes = {}
    for enrolment_id, apprentice_id, programme, state in city.established:
        by_programme[programme["id"]].append((enrolment_id, apprentice_id, state))
        programmes[programme["id"]] = programme
    for programme_id, members in by_programme.items():
        _programme_money(money, programmes[programme_id], members)
    money.funds_and_parts()


def _programme_money(money, programme, members) -> None:
    """Outcomes are drawn first, so each account row is written once, complete."""
    city = money.city
    # The first programmes take each state in turn, so even a small city shows them all.
    n, money.programmes_seen = money.programmes_seen, money.programmes_seen + 1
    first_state = FIRST_STATES[n][0] if n < len(FIRST_STATES) else _weighted(city.rng,
                                                                              FIRST_STATES)
    final_state = _weighted(city.rng, FINAL_STATES)
    settled = first_state == "paid" and final_state in ("approved", "paid")
    firsts, finals = [], []
    for enrolment_id, apprentice_id, state in members:
        outcome = entitlement = None
        finished = first_state == "paid" and state in ("completed", "withdrawn")
        if finished:
            outcome = "withdrawn" if state == "withdrawn" else _weighted(city.rng, OUTCOMES)
            entitlement = rules.subsidy_entitlement(
                programme["level"], programme["urgent"], programme["scope"],
                outcome.startswith("passed"), outcome == "passed_certified")
        account = money.account(enrolment_id, programme, *(
            (outcome, entitlement) if finished and settled else (None, None)))
        firsts.append((account, account["prepayment"], {}))
        if finished:
            finals.append((account, entitlement - account["prepayment"],
                           {"entitlement": entitlement, "prepaid": account["prepayment"],
                            "outcome": outcome}))
            if outcome != "withdrawn":
                _assessment(money, account, apprentice_id, programme, outcome)
    opened = city.now - timedelta(days=max(1, (city.today - programme["start_date"]).days - 30))
    money.claim(programme, "first", first_state, firsts, opened)
    if not finals:
        return
    at = city.now - timedelta(days=city.rng.randint(5, 25))
    lines = money.claim(programme, "final", final_state, finals, at)
    if settled:
        for line in lines:
            if line["amount"] < 0:
                _recovery(money, programme, line, at)


def _assessment(money, account, apprentice_id, programme, outcome) -> None:
    city, t = money.city, Assessment.__table__
    verdict = "failed" if outcome == "failed" else "passed"
    at = city.now - timedelta(days=city.rng.randint(30, 60))
    certified = outcome == "passed_certified"
    money.w.add(t, dict(
        id=money.w.id(t), enrolment_id=account["enrolment_id"], programme_id=programme["id"],
        enterprise_verdict=verdict, enterprise_by_id=city.org_user[programme["enterprise_id"]],
        enterprise_at=at, institution_verdict=verdict,
        institution_by_id=city.org_user[programme["institution_id"]], institution_at=at,
        comment="", vocational_type="skill_level" if certified else None,
        vocational_level=programme["level"] if certified else None,
        vocational_number=f"S{account['enrolment_id']:010d}" if certified else None,
        vocational_issued_on=at.date() if certified else None,
        agreed_verdict=verdict, agreed_at=at, locked_at=None, created_at=at, updated_at=at))
    if verdict == "passed":
        ct = Certificate.__table__
        money.w.add(ct, dict(
            id=money.w.id(ct), number=_number(city.rng, at.year), kind="technical_school_diploma",
            enrolment_id=account["enrolment_id"], apprentice_id=apprentice_id,
            holder_name="学员", title="企业新型学徒制培训", issuer_name="培训机构（规模数据）",
            issued_on=at.date(), issued_by_id=None, revoked_at=None, revoked_reason="",
            revoked_by_id=None, created_at=at, updated_at=at))


def _recovery(money, programme, line, at) -> None:
    city, t = money.city, Recovery.__table__
    amount = -line["amount"]
    repaid = amount if city.rng.random() < 0.5 else 0
    recovery_id = money.w.id(t)
    money.w.add(t, dict(
        id=recovery_id, claim_line_id=line["id"], enrolment_id=line["enrolment_id"],
        programme_id=programme["id"], enterprise_id=programme["enterprise_id"],
        district_code=programme["district_code"], amount=amount, repaid=repaid,
        due_on=(at + timedelta(days=30)).date(), state="settled" if repaid else "open",
        settled_at=at + timedelta(days=20) if repaid else None, created_at=at, updated_at=at))
    if repaid:
        money.w.add(Repayment.__table__, dict(
            id=money.w.id(Repayment.__table__), recovery_id=recovery_id, amount=amount,
            paid_on=(at + timedelta(days=20)).date(), voucher_no=f"HK{recovery_id:06d}",
            recorded_by_id=city.reviewer[programme["district_code"]],
            recorded_at=at + timedelta(days=20)))
