"""Subsidy money (AP-W3, AP-$1..$6, C-MONEY): whole yuan in every column.

An apprentice's `SubsidyAccount` opens when the student record is established, with the
catalogue facts and amounts of that day frozen (AP-P5, C-EFF). Claims gather accounts as
`ClaimLine`s; a paid claim has exactly one `Payment`, split over `Fund`s by `PaymentPart`s;
a negative final remainder becomes a `Recovery`, repaid by `Repayment`s.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column


class ClaimKind(StrEnum):
    FIRST = "first"  # 首次补贴申请: the prepayment (AP-$4)
    FINAL = "final"  # 剩余补贴申请: entitlement − prepaid, after assessment
    HS_FUNDING = "hs_funding"  # 高技能人才研修培训经费 (HS-$1), no lines: roster size × rate

    @property
    def label(self) -> str:
        return {"first": "首次补贴申请", "final": "剩余补贴申请",
                "hs_funding": "研修培训经费申请"}[self.value]


class ClaimState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # awaiting the district
    RETURNED = "returned"
    DISTRICT_APPROVED = "district_approved"  # awaiting the centre
    APPROVED = "approved"  # awaiting the payment record
    PAID = "paid"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return CLAIM_STATE_LABELS[self]

    @property
    def editable(self) -> bool:
        """AP-W4: only a draft or a returned claim can be changed by the enterprise."""
        return self in (ClaimState.DRAFT, ClaimState.RETURNED)


CLAIM_STATE_LABELS = {
    ClaimState.DRAFT: "草稿",
    ClaimState.SUBMITTED: "待区级审核",
    ClaimState.RETURNED: "退回修改",
    ClaimState.DISTRICT_APPROVED: "待市级审批",
    ClaimState.APPROVED: "待拨付",
    ClaimState.PAID: "已拨付",
    ClaimState.REJECTED: "不予通过",
}


class Outcome(StrEnum):
    """What a final-claim line pays for (AP-$3); a withdrawal is entitled to nothing."""

    PASSED_CERTIFIED = "passed_certified"
    PASSED = "passed"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "passed_certified": "考核合格，取得职业证书",
            "passed": "考核合格，未取得职业证书",
            "failed": "考核不合格",
            "withdrawn": "中途退出",
        }[self.value]


class SubsidyAccount(TimestampMixin, Base):
    """One apprentice's subsidy (补贴明细), opened on establishment (AP-$4, AP-P5)."""

    __tablename__ = "subsidy_account"
    __table_args__ = (
        sa.Index("ix_subsidy_account_district_programme", "district_code", "programme_id"),
        sa.CheckConstraint("standard >= 0 AND years > 0 AND prepayment >= 0",
                           name="amounts_valid"),
        sa.CheckConstraint("entitlement IS NULL OR entitlement >= 0", name="entitlement_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), unique=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    # Denormalised so ledgers scope without joins (C-DIST, AP-$6).
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    established_on: Mapped[date]
    level: Mapped[str] = mapped_column(sa.String(32))
    urgent: Mapped[bool]
    in_assessment_scope: Mapped[bool]
    standard: Mapped[int]  # AP-$1 yuan per person-year on established_on
    years: Mapped[int]  # AP-$2
    prepayment: Mapped[int]  # AP-$4
    # Set from the agreed assessment (or 0 on withdrawal) when the final claim is built.
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    entitlement: Mapped[int | None]

    enrolment = relationship("Enrolment", lazy="raise")
    programme = relationship("Programme", lazy="raise")


_HS_ROW = "hs_proposal_id IS NOT NULL"


class Claim(TimestampMixin, Base):
    """A subsidy claim for one programme (AP-W3), reviewed district → centre (C-REV)."""

    __tablename__ = "claim"
    __table_args__ = (
        sa.Index("ix_claim_district_state_submitted", "district_code", "state", "submitted_at",
                 "id"),
        sa.Index("ix_claim_state_submitted", "state", "submitted_at", "id"),
        sa.Index("ix_claim_programme_kind", "programme_id", "kind"),
        sa.CheckConstraint("payable >= 0 AND recoverable >= 0", name="totals_not_negative"),
        sa.CheckConstraint("(programme_id IS NULL) != (hs_proposal_id IS NULL)",
                           name="one_programme_or_project"),
        # HS-$1: one funding claim per project, enforced by the database too.
        sa.Index("uq_claim_hs_proposal", "hs_proposal_id", unique=True,
                 postgresql_where=sa.text(_HS_ROW), sqlite_where=sa.text(_HS_ROW)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)  # e.g. BT2026-000123
    kind: Mapped[ClaimKind] = mapped_column(enum_column(ClaimKind))
    # An apprenticeship claim names its programme, a high-skill one its project (HS-$1).
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"))
    hs_proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hs_proposal.id"),
                                                       index=True)
    # The claimant: the enterprise, or the high-skill host.
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    state: Mapped[ClaimState] = mapped_column(enum_column(ClaimState), default=ClaimState.DRAFT)
    # Sums of the lines, kept with them by the claim service: positive remainders to pay,
    # negative ones (as a positive figure) to recover.
    payable: Mapped[int] = mapped_column(default=0)
    recoverable: Mapped[int] = mapped_column(default=0)
    headcount: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    last_comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    programme = relationship("Programme", lazy="raise")
    enterprise = relationship("Organisation", lazy="raise")
    lines = relationship("ClaimLine", back_populates="claim", lazy="raise",
                         order_by="ClaimLine.id")


# A rejected claim releases its lines so the apprentices can be claimed again; while a line
# is not released, the database refuses a second line of that kind for the account.
_HELD_SQL = "NOT released"


class ClaimLine(Base):
    __tablename__ = "claim_line"
    __table_args__ = (
        sa.Index("uq_claim_line_account_kind_held", "account_id", "kind", unique=True,
                 postgresql_where=sa.text(_HELD_SQL), sqlite_where=sa.text(_HELD_SQL)),
        sa.CheckConstraint("kind = 'final' OR amount >= 0", name="first_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claim.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("subsidy_account.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    kind: Mapped[ClaimKind] = mapped_column(enum_column(ClaimKind))
    # First claim: the prepayment. Final claim: entitlement − prepaid (negative = recovery).
    amount: Mapped[int]
    entitlement: Mapped[int | None]
    prepaid: Mapped[int | None]
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    released: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    claim = relationship("Claim", back_populates="lines", lazy="raise")
    account = relationship("SubsidyAccount", lazy="raise")
    enrolment = relationship("Enrolment", lazy="raise")


class FundSource(StrEnum):
    """AP-$5, in drawing order (portal.rules.subsidy.FUNDING_SOURCES)."""

    SPECIAL_ACCOUNT = "special_account"
    EMPLOYMENT_FUND = "employment_fund"

    @property
    def label(self) -> str:
        return {"special_account": "职业技能提升行动专账结余资金",
                "employment_fund": "就业补助资金"}[self.value]


class Fund(TimestampMixin, Base):
    """A fund's available amount for a year (AP-$5); `drawn` is a guarded counter."""

    __tablename__ = "fund"
    __table_args__ = (
        sa.UniqueConstraint("year", "source"),
        sa.CheckConstraint("available >= 0 AND drawn >= 0", name="not_negative"),
        sa.CheckConstraint("drawn <= available", name="within_available"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    source: Mapped[FundSource] = mapped_column(enum_column(FundSource))
    available: Mapped[int]
    drawn: Mapped[int] = mapped_column(default=0, server_default="0")
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    @property
    def remaining(self) -> int:
        return self.available - self.drawn


class Payment(Base):
    """The payment of one claim (拨付); unique per claim, so it is recorded exactly once."""

    __tablename__ = "payment"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claim.id"), unique=True)
    amount: Mapped[int]
    paid_on: Mapped[date] = mapped_column(index=True)
    voucher_no: Mapped[str] = mapped_column(sa.String(40))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    recorded_at: Mapped[datetime]

    claim = relationship("Claim", lazy="raise")
    parts = relationship("PaymentPart", back_populates="payment", lazy="raise",
                         order_by="PaymentPart.id")


class PaymentPart(Base):
    """The share of a payment drawn from one fund (AP-$5: each line records its source)."""

    __tablename__ = "payment_part"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    fund_id: Mapped[int] = mapped_column(sa.ForeignKey("fund.id"), index=True)
    amount: Mapped[int]

    payment = relationship("Payment", back_populates="parts", lazy="raise")
    fund = relationship("Fund", lazy="raise")


class RecoveryState(StrEnum):
    OPEN = "open"  # 待追回
    SETTLED = "settled"  # 已追回

    @property
    def label(self) -> str:
        return {"open": "待追回", "settled": "已追回"}[self.value]


class Recovery(TimestampMixin, Base):
    """A recovery order (追回, AP-$4) from a negative final remainder; `repaid` is guarded."""

    __tablename__ = "recovery"
    __table_args__ = (
        sa.Index("ix_recovery_district_state_due", "district_code", "state", "due_on"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("repaid >= 0 AND repaid <= amount", name="repaid_within_amount"),
        sa.CheckConstraint("(programme_id IS NULL) != (hs_proposal_id IS NULL)",
                           name="one_programme_or_project"),
        # HS-$2: one recovery order per project (its paid funding).
        sa.Index("uq_recovery_hs_proposal", "hs_proposal_id", unique=True,
                 postgresql_where=sa.text(_HS_ROW), sqlite_where=sa.text(_HS_ROW)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # An apprenticeship recovery comes from a claim line; a high-skill one (HS-$2) from a
    # fraud finding on a paid project.
    claim_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claim_line.id"),
                                                      unique=True)
    enrolment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    hs_proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hs_proposal.id"),
                                                       index=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"))
    amount: Mapped[int]
    repaid: Mapped[int] = mapped_column(default=0, server_default="0")
    due_on: Mapped[date]
    state: Mapped[RecoveryState] = mapped_column(enum_column(RecoveryState),
                                                 default=RecoveryState.OPEN)
    settled_at: Mapped[datetime | None]

    @property
    def outstanding(self) -> int:
        return self.amount - self.repaid

    enrolment = relationship("Enrolment", lazy="raise")
    programme = relationship("Programme", lazy="raise")
    repayments = relationship("Repayment", back_populates="recovery", lazy="raise",
                              order_by="Repayment.id")


class Repayment(Base):
    __tablename__ = "repayment"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recovery_id: Mapped[int] = mapped_column(sa.ForeignKey("recovery.id"), index=True)
    amount: Mapped[int]
    paid_on: Mapped[date]
    voucher_no: Mapped[str] = mapped_column(sa.String(40))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    recorded_at: Mapped[datetime]

    recovery = relationship("Recovery", back_populates="repayments", lazy="raise")
