"""High-skill talent advanced training (HS): calls, proposals (projects), expert review,
trainee lists and their filed versions, completion filings and spot checks."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column, utcnow


class HostType(StrEnum):
    """HS-H1: who may host (承办单位)."""

    ENTERPRISE = "enterprise"
    UNIVERSITY = "university"
    RESEARCH_INSTITUTE = "research_institute"
    TECHNICIAN_COLLEGE = "technician_college"

    @property
    def label(self) -> str:
        return {"enterprise": "企业", "university": "高等院校", "research_institute": "科研院所",
                "technician_college": "技师学院"}[self.value]


class HsCall(TimestampMixin, Base):
    """HS-W1: the centre's quarterly call for projects (征集) with the year's directions."""

    __tablename__ = "hs_call"
    __table_args__ = (
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_valid"),
        sa.CheckConstraint("closes_on >= opens_on", name="dates_ordered"),
        sa.Index("ix_hs_call_year_quarter", "year", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    quarter: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(120))
    # 专业方向, one per line.
    directions: Mapped[str] = mapped_column(sa.Text)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    @property
    def direction_list(self) -> list[str]:
        return [d.strip() for d in self.directions.splitlines() if d.strip()]


class ProposalState(StrEnum):
    """A proposal becomes the project once approved; the project then runs to completion."""

    DRAFT = "draft"
    SUBMITTED = "submitted"  # awaiting expert review
    APPROVED = "approved"  # quota fixed; the host files the list and plan (HS-W4)
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    FILED = "filed"  # trainee list and plan filed: the classes run
    COMPLETED = "completed"  # roster, summaries filed (HS-W8)

    @property
    def label(self) -> str:
        return {"draft": "草稿", "submitted": "待评审", "approved": "已立项待备案",
                "rejected": "未立项", "withdrawn": "已撤回", "filed": "已备案实施中",
                "completed": "已结业备案"}[self.value]


# HS-H2 counts every proposal a host submitted for a year except the ones it withdrew.
COUNTED_PROPOSAL_STATES = ("submitted", "approved", "rejected", "filed", "completed")


class TrainingMode(StrEnum):
    FULL_TIME = "full_time"
    IN_STAGES = "in_stages"

    @property
    def label(self) -> str:
        return {"full_time": "脱产集中", "in_stages": "分阶段"}[self.value]


class HsProposal(TimestampMixin, Base):
    """HS-W2: the implementation plan (实施方案, annex 1); after HS-W3 approval, the project."""

    __tablename__ = "hs_proposal"
    __table_args__ = (
        sa.Index("ix_hs_proposal_host_year", "host_id", "year"),
        sa.Index("ix_hs_proposal_year_state", "year", "state"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint("quota IS NULL OR quota > 0", name="quota_positive"),
        sa.CheckConstraint(
            "hours_onsite >= 0 AND hours_keynote >= 0 AND hours_seminar >= 0 "
            "AND hours_exchange >= 0 AND hours_visit >= 0 AND hours_online >= 0",
            name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("hs_call.id"), index=True)
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(120))
    direction: Mapped[str] = mapped_column(sa.String(120), default="")
    # HS-P1: one occupation or several related ones, by catalogue code and name, one per line.
    occupations: Mapped[str] = mapped_column(sa.Text, default="")
    objectives: Mapped[str] = mapped_column(sa.Text, default="")
    # HS-P3: new knowledge / technologies / skills / processes; open problems from production.
    content_new: Mapped[str] = mapped_column(sa.Text, default="")
    content_problems: Mapped[str] = mapped_column(sa.Text, default="")
    mode: Mapped[TrainingMode] = mapped_column(enum_column(TrainingMode),
                                               default=TrainingMode.FULL_TIME)
    # HS-P4 planned hours by format; seminar + exchange are the "研讨交流" hours.
    hours_onsite: Mapped[int] = mapped_column(default=0)
    hours_keynote: Mapped[int] = mapped_column(default=0)
    hours_seminar: Mapped[int] = mapped_column(default=0)
    hours_exchange: Mapped[int] = mapped_column(default=0)
    hours_visit: Mapped[int] = mapped_column(default=0)
    hours_online: Mapped[int] = mapped_column(default=0)
    hours_reason: Mapped[str] = mapped_column(sa.Text, default="")  # HS-P4 guidance reason
    planned_trainees: Mapped[int] = mapped_column(default=0)
    class_size: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    # HS-H3: 不得转包分包.
    attests_no_subcontracting: Mapped[bool] = mapped_column(default=False)
    state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState),
                                                 default=ProposalState.DRAFT)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")
    quota: Mapped[int | None]  # 研修人数 fixed by the centre (HS-W3)
    # Bumped by every filed change (HS-W5); 0 until the list and plan are first filed.
    filed_version: Mapped[int] = mapped_column(default=0)

    call = relationship("HsCall", lazy="raise")
    host = relationship("Organisation", lazy="raise")

    @property
    def total_hours(self) -> int:
        return (self.hours_onsite + self.hours_keynote + self.hours_seminar
                + self.hours_exchange + self.hours_visit + self.hours_online)

    @property
    def seminar_exchange_hours(self) -> int:
        return self.hours_seminar + self.hours_exchange


class TeacherKind(StrEnum):
    """HS-P3: who teaches."""

    EXPERT = "expert"
    SENIOR_INSTRUCTOR = "senior_instructor"
    STUDIO_LEADER = "studio_leader"
    TECHNICIAN = "technician"

    @property
    def label(self) -> str:
        return {"expert": "专家学者", "senior_instructor": "高级讲师",
                "studio_leader": "技能大师工作室领办人", "technician": "优秀高技能人才"}[self.value]


class HsTeacher(Base):
    __tablename__ = "hs_teacher"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("hs_proposal.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[TeacherKind] = mapped_column(enum_column(TeacherKind))
    title: Mapped[str] = mapped_column(sa.String(64), default="")  # 职称 / 技能等级
    employer: Mapped[str] = mapped_column(sa.String(120), default="")
    topic: Mapped[str] = mapped_column(sa.String(200), default="")


class HsCriterion(Base):
    """HS-W3 rubric, a centre setting: criteria and weights (percent, summing to 100)."""

    __tablename__ = "hs_criterion"
    __table_args__ = (sa.CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(64), unique=True)
    guidance: Mapped[str] = mapped_column(sa.String(300), default="")
    weight: Mapped[int]
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class HsAssignment(Base):
    """HS-W3: an expert assigned to a proposal, with their scores and opinion once given."""

    __tablename__ = "hs_assignment"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("hs_proposal.id"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {criterion id (as text): score 0..100}; the weighted total is kept for sorting.
    scores: Mapped[dict | None] = mapped_column(sa.JSON)
    total: Mapped[int | None]
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    scored_at: Mapped[datetime | None]

    proposal = relationship("HsProposal", lazy="raise")
    expert = relationship("User", lazy="raise", foreign_keys=[expert_id])


class HsVerdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"

    @property
    def label(self) -> str:
        return {"pass": "合格", "fail": "不合格"}[self.value]


class HsTrainee(TimestampMixin, Base):
    """A trainee on a project's list (HS-W4), checked against HS-E1..E3, then assessed (HS-W7)."""

    __tablename__ = "hs_trainee"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "resident_id"),
        sa.CheckConstraint("insured_months >= 0", name="insured_months_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("hs_proposal.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    resident_id: Mapped[str] = mapped_column(sa.String(18), index=True)
    phone: Mapped[str] = mapped_column(sa.String(11), default="")
    employer_name: Mapped[str] = mapped_column(sa.String(120))
    employer_credit_code: Mapped[str] = mapped_column(sa.String(18), default="")
    post: Mapped[str] = mapped_column(sa.String(64))  # front-line post (HS-E1)
    occupation: Mapped[str] = mapped_column(sa.String(64), default="")
    level: Mapped[str] = mapped_column(sa.String(32))  # rules.levels key
    certificate_number: Mapped[str] = mapped_column(sa.String(40))
    key_industry: Mapped[bool] = mapped_column(default=False)  # HS-E1 exception
    key_industry_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    insured_months: Mapped[int]  # HS-E2
    # The trainee's phone account for check-in and the work summary.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    # Taken off the list by a filed change (HS-W5); kept for the history.
    removed_at: Mapped[datetime | None]
    # HS-P5: the work summary (研修工作总结).
    summary_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    summary_uploaded_at: Mapped[datetime | None]
    # HS-W7 assessment (annex 2): each criterion 合格/不合格, then the verdict.
    score_attendance: Mapped[int | None]
    score_attitude: Mapped[int | None]
    score_participation: Mapped[int | None]
    score_summary: Mapped[int | None]
    verdict: Mapped[HsVerdict | None] = mapped_column(enum_column(HsVerdict))
    assessed_at: Mapped[datetime | None]
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    proposal = relationship("HsProposal", lazy="raise")


class FilingKind(StrEnum):
    LIST_AND_PLAN = "list_and_plan"  # HS-W4
    CHANGE = "change"  # HS-W5
    COMPLETION = "completion"  # HS-W8

    @property
    def label(self) -> str:
        return {"list_and_plan": "学员名单和培训计划备案", "change": "变更备案",
                "completion": "结业备案"}[self.value]


class HsFiling(Base):
    """A filed version of a project's list and plan (HS-W4, HS-W5) or its completion (HS-W8).

    The snapshot holds what was filed (plan fields, trainees, roster), so the history and the
    differences between versions read from here, never from the live rows.
    """

    __tablename__ = "hs_filing"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("hs_proposal.id"), index=True)
    version: Mapped[int]
    kind: Mapped[FilingKind] = mapped_column(enum_column(FilingKind))
    filed_on: Mapped[date]
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    # HS-W8: filed after the 14 days.
    late: Mapped[bool] = mapped_column(default=False)
    # HS-W8: the project summary (研修培训工作总结), as text and an optional file.
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    summary_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))


class CheckKind(StrEnum):
    SPOT_CHECK = "spot_check"
    THIRD_PARTY_AUDIT = "third_party_audit"

    @property
    def label(self) -> str:
        return {"spot_check": "抽查", "third_party_audit": "第三方审计"}[self.value]


class CheckResult(StrEnum):
    CLEAR = "clear"
    PROBLEMS = "problems"
    FRAUD = "fraud"

    @property
    def label(self) -> str:
        return {"clear": "未发现问题", "problems": "发现问题（需整改）",
                "fraud": "查实弄虚作假"}[self.value]


class HsCheck(Base):
    """HS-W10: a spot check or third-party audit of a project; a fraud finding (HS-$2)
    disqualifies the host and opens a recovery order."""

    __tablename__ = "hs_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("hs_proposal.id"), index=True)
    kind: Mapped[CheckKind] = mapped_column(enum_column(CheckKind))
    checked_on: Mapped[date]
    auditor: Mapped[str] = mapped_column(sa.String(120), default="")
    result: Mapped[CheckResult] = mapped_column(enum_column(CheckResult))
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class HsYearTally(Base):
    """HS-P2: quota approved city-wide for a year, raised by a guarded UPDATE so that
    concurrent approvals cannot pass the annual cap together."""

    __tablename__ = "hs_year_tally"
    __table_args__ = (sa.CheckConstraint("approved_quota >= 0", name="not_negative"),)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    approved_quota: Mapped[int] = mapped_column(default=0, server_default="0")


class HsHostYear(Base):
    """HS-H2: proposals a host has submitted for a year, a guarded counter like the tally."""

    __tablename__ = "hs_host_year"
    __table_args__ = (sa.CheckConstraint("submitted >= 0", name="not_negative"),)

    host_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    submitted: Mapped[int] = mapped_column(default=0, server_default="0")
