"""Users and roles."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_column


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    INSTITUTION = "institution"
    DISTRICT = "district"
    CENTER = "center"
    TRAINEE = "trainee"
    EXPERT = "expert"
    HOST = "host"  # 承办单位 of the high-skill programme that is not an enterprise/institution
    AUDITOR = "auditor"  # 第三方审计机构 (AP-V4, HS-W10): read-only, granted scopes only

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ENTERPRISE: "企业",
    Role.INSTITUTION: "培训机构",
    Role.DISTRICT: "区人力资源社会保障局",
    Role.CENTER: "市就业促进中心",
    Role.TRAINEE: "学员",
    Role.EXPERT: "评审专家",
    Role.HOST: "承办单位",
    Role.AUDITOR: "第三方审计机构",
}


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "user"
    __table_args__ = (
        sa.CheckConstraint(
            "role != 'district' OR district_code IS NOT NULL", name="district_has_district"
        ),
        sa.CheckConstraint(
            "role NOT IN ('enterprise', 'institution', 'host', 'auditor') OR org_id IS NOT NULL",
            name="org_user_has_org",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(64))
    district_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("district.code"), index=True
    )
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None]

    district = relationship("District", lazy="joined")
    org = relationship("Organisation", lazy="raise", foreign_keys=[org_id])

    @property
    def is_active(self) -> bool:
        return self.is_active_account


class LoginSession(Base):
    """A signed-in browser (issue 15): the cookie carries a random token, this row its hash.

    Ending the row ends the session at once, wherever the cookie has been copied to.
    """

    __tablename__ = "login_session"
    __table_args__ = (sa.Index("ix_login_session_user_open", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str] = mapped_column(sa.String(32), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    ip: Mapped[str] = mapped_column(sa.String(45), default="")


class LoginThrottle(Base):
    """Failed logins per key (an account at an address, an account, an address), shared by
    every worker: the database is the counter whether or not Redis is configured (issue 15)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime]
    # The account's increasing delay: no attempt is weighed before this moment.
    next_allowed_at: Mapped[datetime | None]


class Notification(Base):
    """A message in a user's portal inbox (issue 14): written by the service call that changed
    the state, in the same transaction; `link` is the record's path inside the portal.
    `dedupe_key` makes a reminder (the daily deadline sweep) land once per user: unique per
    user where set (NULLs never clash, so ordinary messages need none)."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notification_user_dedupe"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    object_type: Mapped[str] = mapped_column(sa.String(32), default="")
    object_id: Mapped[int | None]
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(80))
