"""HS-P4 delivery: class sessions of a filed project, each with its format and hours, checked
in to with the apprenticeship's rotating QR / 6-digit code (training.attendance), and the
attendance per trainee that pre-fills HS-W7's attendance criterion."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.training import attendance
from portal.clock import beijing_day
from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import CheckIn, ClassSession, HsProposal, HsTrainee
from portal.rules.high_skill import HS_SESSION_FORMATS

OBJECT_TYPE = attendance.OBJECT_TYPE
HOURS_MAX = 12  # one session's hours; a full day of teaching is 8


def open_hs_session(actor, proposal: HsProposal, title: str, starts_at: datetime,
                    late_after_minutes: int, format_key: str, hours: int) -> ClassSession:
    """Open a session of a filed project (HS-P4 format and hours); `starts_at` naive UTC."""
    if not can(actor, "open_session", proposal):
        raise NotAllowed("只有承办单位可以为已备案实施的研修项目开设课堂")
    title = (title or "").strip()
    if not title or len(title) > attendance.TITLE_MAX:
        raise ServiceError(f"请填写课堂名称（不超过{attendance.TITLE_MAX}字）")
    if not 0 <= late_after_minutes <= attendance.LATE_MAX_MINUTES:
        raise ServiceError(f"迟到判定须为0–{attendance.LATE_MAX_MINUTES}分钟")
    if format_key not in HS_SESSION_FORMATS:
        raise ServiceError("请选择研修形式（规则 HS-P4）")
    if not 1 <= hours <= HOURS_MAX:
        raise ServiceError(f"学时须为1–{HOURS_MAX}之间的整数")
    day = beijing_day(starts_at)
    if not proposal.starts_on <= day <= proposal.ends_on:
        raise ServiceError(f"课堂日期须在研修起止日期（{proposal.starts_on}至{proposal.ends_on}）"
                           "之内（规则 HS-W5：不得随意变更培训计划）")
    session = ClassSession(hs_proposal_id=proposal.id, programme_id=None,
                           org_id=proposal.host_id, opened_by_id=actor.id, title=title,
                           starts_at=starts_at, late_after_minutes=late_after_minutes,
                           hs_format=format_key, hs_hours=hours)
    db.session.add(session)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, session.id, "open", to_state="open",
                 comment=f"{title}（{HS_SESSION_FORMATS[format_key]} {hours} 学时）")
    db.session.flush()
    return session


def _held(proposal_id: int):
    """Sessions of the project that have started: they count as held."""
    return (ClassSession.hs_proposal_id == proposal_id,
            ClassSession.starts_at <= attendance.now_utc())


@dataclass(frozen=True)
class Held:
    sessions: int
    hours: int
    by_format: dict[str, int]  # HS-P4 key → hours held


def held(proposal_id: int) -> Held:
    """What was delivered so far, by format (one grouped query)."""
    rows = db.session.execute(
        sa.select(ClassSession.hs_format, sa.func.count(),
                  sa.func.coalesce(sa.func.sum(ClassSession.hs_hours), 0))
        .where(*_held(proposal_id)).group_by(ClassSession.hs_format)
    ).all()
    by_format = {key: int(hours) for key, _n, hours in rows if key}
    return Held(sum(n for _k, n, _h in rows), sum(by_format.values()), by_format)


def planned_by_format(proposal: HsProposal) -> dict[str, int]:
    return {key: getattr(proposal, f"hours_{key}") for key in HS_SESSION_FORMATS}


@dataclass(frozen=True)
class TraineeAttendance:
    trainee: HsTrainee
    sessions: int
    hours: int
    held_hours: int

    @property
    def percent(self) -> int:
        return rules.high_skill.hs_attendance_percent(self.hours, self.held_hours)

    @property
    def passes(self) -> bool:
        """HS-W7: the pre-filled value of the attendance criterion."""
        return rules.high_skill.hs_attendance_passes(self.hours, self.held_hours)


def listed(proposal_id: int) -> sa.Select:
    """The project's trainees still on its list, in list order."""
    return (sa.select(HsTrainee)
            .where(HsTrainee.proposal_id == proposal_id, HsTrainee.removed_at.is_(None))
            .order_by(HsTrainee.id))


def attendance_of(proposal_id: int, trainee_ids=None) -> list[TraineeAttendance]:
    """Sessions and hours each listed trainee attended of the hours held: two queries."""
    total = held(proposal_id).hours
    attended = (sa.select(CheckIn.hs_trainee_id.label("tid"),
                          sa.func.count().label("n"),
                          sa.func.coalesce(sa.func.sum(ClassSession.hs_hours), 0).label("h"))
                .join(ClassSession, ClassSession.id == CheckIn.session_id)
                .where(*_held(proposal_id)).group_by(CheckIn.hs_trainee_id).subquery())
    q = (listed(proposal_id).add_columns(attended.c.n, attended.c.h)
         .outerjoin(attended, attended.c.tid == HsTrainee.id))
    if trainee_ids is not None:
        q = q.where(HsTrainee.id.in_(list(trainee_ids)))
    return [TraineeAttendance(t, int(n or 0), int(h or 0), total)
            for t, n, h in db.session.execute(q).all()]


def sessions_of(proposal_id: int) -> sa.Select:
    return (sa.select(ClassSession).where(ClassSession.hs_proposal_id == proposal_id)
            .order_by(ClassSession.starts_at.desc(), ClassSession.id.desc()))


def check_in_counts(session_ids) -> dict[int, int]:
    ids = list(session_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(CheckIn.session_id, sa.func.count()).where(CheckIn.session_id.in_(ids))
        .group_by(CheckIn.session_id)).all())
