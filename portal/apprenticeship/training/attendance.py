"""Class sessions, rotating check-in codes, check-ins and session evidence (AP-P3, AP-P4).

A teacher (the programme's institution, or its enterprise) opens a session; the session
screen shows a QR code of `/m/checkin/<token>`. The token is signed with the app's secret
(itsdangerous, salt "checkin") over the session id and the 30-second window it was made in,
and is accepted for at most TOKEN_MAX_AGE seconds after it was made: the screen shows a new
one every window, so a photo of the code sent out of the room dies within a minute.

Times are stored as naive UTC like every other timestamp in the portal; pages show them in
Beijing time. The one check-in per trainee per session is the database's unique key: the
caller catches the IntegrityError of a second one and answers "已签到" (idempotent).

AP-P1: a check-in also records the phone it came from and, when the session checks
locations, the browser's position, both as flags for the teacher (presence.py reads them).

A high-skill session (hs_proposal_id, no programme) is checked in to the same way: the
trainee is the project's listed HsTrainee of the logged-in user, never a request value.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import FunctionElement

from portal import rules
from portal.apprenticeship.programmes.suspension import refuse_session_if_suspended
from portal.apprenticeship.training.access import class_sessions_for
from portal.clock import beijing_day, beijing_day_bounds, utc_naive
from portal.core import audit
from portal.core import files as documents
from portal.core.access import can
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.models import (
    Apprentice,
    ChangeState,
    CheckIn,
    ClassSession,
    Document,
    DocumentKind,
    Enrolment,
    EnrolmentState,
    HsProposal,
    HsTrainee,
    LeaveRequest,
    LeaveState,
    Organisation,
    Programme,
    ProposalState,
    Role,
    SessionEvidence,
    StatusChange,
    StatusChangeKind,
)
from portal.models.training import DeviceFlag

OBJECT_TYPE = "class_session"

WINDOW_SECONDS = 30  # the code on the screen changes every window
TOKEN_MAX_AGE = 2 * WINDOW_SECONDS  # one window on screen plus one window of grace
TOKEN_SALT = "checkin"

TITLE_MAX = 120  # the column's length
LATE_MAX_MINUTES = 240

TOKEN_EXPIRED = "二维码已过期，请重新扫描老师屏幕上的二维码"
TOKEN_INVALID = "二维码无效"
SESSION_CLOSED = "本次课堂已结束签到"
NOT_ENROLLED = "您不是本课堂所属培训项目的在训学员，不能签到。如有疑问请联系所在企业。"
NOT_LISTED = "您不在本研修项目备案的学员名单中，不能签到。如有疑问请联系承办单位。"

# AP-P3: photos of the training site.
EVIDENCE_KIND = DocumentKind.SESSION_EVIDENCE
EVIDENCE_MEDIA = (documents.PHOTOS, documents.VIDEOS)
EVIDENCE_LABEL = "JPG 或 PNG 照片，或 MP4、MOV 视频"


class TokenRefused(ServiceError):
    """A check-in code that is forged, damaged or too old."""


def _clock() -> float:
    """Seconds since the epoch; tests replace this to move time."""
    return time.time()


def now_utc() -> datetime:
    return utc_naive(_clock())


def today(now: float | None = None) -> date:
    return beijing_day(utc_naive(_clock() if now is None else now))


# --- the rotating code ------------------------------------------------------------------


def _signing(now: float):
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=TOKEN_SALT)
    signer = serializer.make_signer(TOKEN_SALT)
    # The signer reads its clock here both to stamp and to check the age.
    signer.get_timestamp = lambda: int(now)
    return serializer, signer


def checkin_token(session_id: int, now: float | None = None) -> str:
    """The code of `session_id` for the current window: ~50 URL-safe characters."""
    now = _clock() if now is None else now
    serializer, signer = _signing(now)
    payload = serializer.dump_payload([session_id, int(now // WINDOW_SECONDS)])
    return signer.sign(payload).decode("ascii")


def session_id_from_token(token: str, now: float | None = None) -> int:
    """The session a code was made for; TokenRefused if it is forged or too old."""
    now = _clock() if now is None else now
    serializer, signer = _signing(now)
    try:
        value, signed_at = signer.unsign(token, max_age=TOKEN_MAX_AGE, return_timestamp=True)
        session_id, window = serializer.load_payload(value)
    except SignatureExpired as err:
        raise TokenRefused(TOKEN_EXPIRED) from err
    except (BadData, TypeError, ValueError) as err:
        raise TokenRefused(TOKEN_INVALID) from err
    if not isinstance(session_id, int) or window != int(signed_at.timestamp() // WINDOW_SECONDS):
        raise TokenRefused(TOKEN_INVALID)
    return session_id


def authentic_session_id(token: str) -> int | None:
    """The session of a code made by this server, however old; None for a forged one.

    For what an old code may still be good for: a personal grant of its session
    (presence.py), or showing a trainee the check-in they already have.
    """
    serializer, signer = _signing(_clock())
    try:
        value, signed_at = signer.unsign(token, return_timestamp=True)
        session_id, window = serializer.load_payload(value)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(session_id, int) or window != int(signed_at.timestamp() // WINDOW_SECONDS):
        return None
    return session_id


def session_from_token(token: str, now: float | None = None) -> ClassSession:
    session = db.session.get(ClassSession, session_id_from_token(token, now))
    if session is None:
        raise TokenRefused(TOKEN_INVALID)
    return session


# --- opening and closing ----------------------------------------------------------------


def open_session(actor, programme: Programme, title: str, starts_at: datetime,
                 late_after_minutes: int) -> ClassSession:
    """Open a class session of an approved programme; `starts_at` is naive UTC."""
    if not can(actor, "open_session", programme):
        raise NotAllowed("只有承担培训的企业或培训机构可以为已通过审核的项目开设课堂")
    refuse_session_if_suspended(programme)  # AP-V2: a suspended programme opens no session
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise ServiceError(f"请填写课堂名称（不超过{TITLE_MAX}字）")
    if not 0 <= late_after_minutes <= LATE_MAX_MINUTES:
        raise ServiceError(f"迟到判定须为0–{LATE_MAX_MINUTES}分钟")
    session = ClassSession(programme_id=programme.id, org_id=actor.org_id,
                           opened_by_id=actor.id, title=title, starts_at=starts_at,
                           late_after_minutes=late_after_minutes)
    db.session.add(session)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, session.id, "open", to_state="open", comment=title)
    db.session.flush()
    return session


def close_session(actor, session: ClassSession) -> None:
    """Stop check-ins; a guarded update, so two clicks close it once."""
    if not can(actor, "run", session):
        raise NotAllowed("只有开设本课堂的单位可以结束签到")
    closed = db.session.execute(
        sa.update(ClassSession)
        .where(ClassSession.id == session.id, ClassSession.closed_at.is_(None))
        .values(closed_at=now_utc())
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed != 1:
        raise StateConflict("本次课堂已结束签到")
    db.session.expire(session, ["closed_at"])
    audit.record(actor, OBJECT_TYPE, session.id, "close", from_state="open", to_state="closed")
    db.session.flush()


# --- checking in ------------------------------------------------------------------------


def is_late(starts_at: datetime, late_after_minutes: int, checked_at: datetime) -> bool:
    """Late if checked in after the start plus the session's lateness threshold."""
    return checked_at > starts_at + timedelta(minutes=late_after_minutes)


def active_enrolment(user, programme_id: int) -> Enrolment | None:
    """The user's enrolment in training (ACTIVE) in the programme: never from the request."""
    if user.role != Role.TRAINEE:
        return None
    return db.session.scalar(
        sa.select(Enrolment).join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .where(Apprentice.user_id == user.id, Enrolment.programme_id == programme_id,
               Enrolment.state == EnrolmentState.ACTIVE)
    )


def listed_trainee(user, proposal_id: int) -> HsTrainee | None:
    """The user's row on a high-skill project's list (HS-W4), unless taken off it (HS-W5)."""
    if user.role != Role.TRAINEE:
        return None
    return db.session.scalar(
        sa.select(HsTrainee).where(HsTrainee.user_id == user.id,
                                   HsTrainee.proposal_id == proposal_id,
                                   HsTrainee.removed_at.is_(None)))


def check_allowed(actor, session: ClassSession) -> Enrolment | HsTrainee:
    """The enrolment (or high-skill trainee) the actor would check in with, or the refusal
    (closed, not enrolled, not on the project's list)."""
    if session.closed_at is not None:
        raise StateConflict(SESSION_CLOSED)
    if session.hs_proposal_id is not None:
        # HS-W8: once the roster is filed, attendance is what was filed.
        state = db.session.scalar(sa.select(HsProposal.state)
                                  .where(HsProposal.id == session.hs_proposal_id))
        if state != ProposalState.FILED:
            raise StateConflict(SESSION_CLOSED)
        trainee = listed_trainee(actor, session.hs_proposal_id)
        if trainee is None:
            raise NotAllowed(NOT_LISTED)
        return trainee
    enrolment = active_enrolment(actor, session.programme_id)
    if enrolment is None:
        raise NotAllowed(NOT_ENROLLED)
    return enrolment


@dataclass(frozen=True)
class Presence:
    """AP-P1: what a check-in records besides the trainee: the phone (its cookie's random id
    and flag) and the browser's position; presence.py reads them from the request."""

    device_id: str | None = None
    device_flag: DeviceFlag | None = None
    position: rules.checkin.Position | None = None
    accuracy_m: int | None = None


def check_in(actor, session: ClassSession, now: float | None = None,
             presence: Presence | None = None) -> CheckIn:
    """AP-P4 input: record the logged-in trainee's attendance at `session`.

    AP-P1: `presence` (the phone's device id and flag, the browser's position) is recorded
    with it; a shared phone or a position outside the session's radius is flagged for the
    teacher, never refused.

    A second check-in of the same trainee raises IntegrityError at the flush (the unique
    key decides, also between two simultaneous requests): the caller rolls back and answers
    with the check-in already recorded.
    """
    who = check_allowed(actor, session)
    checked_at = utc_naive(_clock() if now is None else now)
    late = is_late(session.starts_at, session.late_after_minutes, checked_at)
    key = ({"hs_trainee_id": who.id} if isinstance(who, HsTrainee)
           else {"enrolment_id": who.id})
    row = CheckIn(session_id=session.id, checked_at=checked_at, late=late, **key)
    flags = _record_presence(row, session, presence) if presence is not None else []
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "check_in", row.id, "check_in", to_state="late" if late else "on_time",
                 comment="；".join([f"课堂 {session.id}", *flags]))
    db.session.flush()
    return row


def _record_presence(row: CheckIn, session: ClassSession, presence: Presence) -> list[str]:
    """AP-P1: put the phone and the position on the check-in; the flags' labels for the log."""
    row.device_id, row.device_flag = presence.device_id, presence.device_flag
    if session.radius_m is not None:  # no location check, no location kept
        centre = (session.centre_latitude, session.centre_longitude)
        position = presence.position
        row.location_flag = rules.location_problem(session.radius_m, centre, position)
        if row.location_flag != rules.LocationProblem.MISSING and position is not None:
            row.latitude, row.longitude = position
            row.accuracy_m = presence.accuracy_m
            row.distance_m = rules.distance_m(centre, position)
    return [flag.label for flag in (row.device_flag, row.location_flag) if flag is not None]


def _own(user) -> sa.ColumnElement[bool]:
    """Check-ins of the user: through an enrolment, or as a high-skill trainee."""
    enrolments = (sa.select(Enrolment.id)
                  .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
                  .where(Apprentice.user_id == user.id))
    listed = sa.select(HsTrainee.id).where(HsTrainee.user_id == user.id)
    return sa.or_(CheckIn.enrolment_id.in_(enrolments), CheckIn.hs_trainee_id.in_(listed))


def check_in_of(user, session_id: int) -> CheckIn | None:
    """The user's own check-in at a session, if any."""
    return db.session.scalar(
        sa.select(CheckIn).where(CheckIn.session_id == session_id, _own(user)))


# --- the teacher's live list ------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    name: str
    checked_at: datetime
    late: bool
    device_flag: DeviceFlag | None = None
    location_flag: rules.LocationProblem | None = None
    distance_m: int | None = None
    same_device_as: str | None = None  # AP-P1: who checked in earlier from the same phone

    @property
    def flagged(self) -> bool:
        return self.device_flag is not None or self.location_flag is not None


def attendees(session_id: int) -> list[Attendee]:
    """Who checked in, first come first; names only (no ID numbers on a projector).

    AP-P1: each with its flags, and for a shared phone the name of the trainee who checked
    in from it first (found in the same rows: no further query).
    """
    rows = db.session.execute(
        sa.select(sa.func.coalesce(Apprentice.name, HsTrainee.name), CheckIn.checked_at,
                  CheckIn.late, CheckIn.device_flag, CheckIn.location_flag, CheckIn.distance_m,
                  CheckIn.device_id)
        .select_from(CheckIn)
        .outerjoin(Enrolment, Enrolment.id == CheckIn.enrolment_id)
        .outerjoin(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .outerjoin(HsTrainee, HsTrainee.id == CheckIn.hs_trainee_id)
        .where(CheckIn.session_id == session_id)
        .order_by(CheckIn.checked_at, CheckIn.id)
    ).all()
    first_on_device: dict[str, str] = {}
    result = []
    for name, checked_at, late, device_flag, location_flag, distance, device_id in rows:
        earlier = first_on_device.setdefault(device_id, name) if device_id else name
        shared_with = earlier if device_flag == DeviceFlag.SHARED and earlier != name else None
        result.append(Attendee(name, checked_at, late, device_flag, location_flag, distance,
                               shared_with))
    return result


class _BeijingDate(FunctionElement):
    """The Beijing calendar day of a naive-UTC timestamp column, on both databases."""

    type = sa.Date()
    inherit_cache = True


@compiles(_BeijingDate, "sqlite")
def _beijing_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(_BeijingDate)
def _beijing_date_default(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '8 hours') AS DATE)"


# Enrolments that were once in training: on a given day they are expected unless the day
# falls in an approved leave or a suspension (both dated periods).
_ONCE_ACTIVE = (EnrolmentState.ACTIVE, EnrolmentState.COMPLETED, EnrolmentState.WITHDRAWN,
                EnrolmentState.TRANSFERRED)


def _enrolled_on(day) -> sa.ColumnElement[bool]:
    """The student record was established on or before `day` and had not ended before it
    (`ended_on` inclusive); `day` is a date or a SQL date expression."""
    return sa.and_(
        Enrolment.established_on <= day,
        sa.or_(Enrolment.ended_on.is_(None), Enrolment.ended_on >= day),
    )


# Built once: a fresh alias per query costs SQLAlchemy a new cache key, so every attendance
# count would be compiled again.
_SUSPENSION = aliased(StatusChange, name="suspension")
_RESUMPTION = aliased(StatusChange, name="resumption")
_DATED = aliased(StatusChange, name="dated_suspension")


def _on_leave(day) -> sa.ColumnElement[bool]:
    """AP-P2: an approved leave covers `day` (a leave reported back ends the day before)."""
    return sa.exists().where(
        LeaveRequest.enrolment_id == Enrolment.id,
        LeaveRequest.start_date <= day, LeaveRequest.end_date >= day,
        sa.or_(LeaveRequest.state == LeaveState.APPROVED,
               sa.and_(LeaveRequest.state == LeaveState.RETURNED,
                       LeaveRequest.returned_on > day)),
    ).correlate_except(LeaveRequest)


def _suspended_on(day) -> sa.ColumnElement[bool]:
    """AP-P2: an applied suspension took effect on or before `day`, with no applied
    resumption effective after it and on or before `day` (a change still scheduled, or one
    that could not be applied, moves nothing)."""
    suspension, resumption = _SUSPENSION, _RESUMPTION
    resumed = sa.exists().where(
        resumption.enrolment_id == Enrolment.id, resumption.kind == StatusChangeKind.RESUME,
        resumption.state == ChangeState.APPROVED, resumption.applied_at.is_not(None),
        resumption.effective_on > suspension.effective_on, resumption.effective_on <= day,
    ).correlate_except(resumption)
    return sa.exists().where(
        suspension.enrolment_id == Enrolment.id, suspension.kind == StatusChangeKind.SUSPEND,
        suspension.state == ChangeState.APPROVED, suspension.applied_at.is_not(None),
        suspension.effective_on <= day, ~resumed,
    ).correlate_except(suspension)


def _suspension_dated() -> sa.ColumnElement[bool]:
    """A suspended enrolment whose suspension has a date (a status change): it counts on the
    days before it; one without (imported history) is left out of every session."""
    suspension = _DATED
    return sa.exists().where(
        suspension.enrolment_id == Enrolment.id, suspension.kind == StatusChangeKind.SUSPEND,
        suspension.state == ChangeState.APPROVED, suspension.applied_at.is_not(None),
    ).correlate_except(suspension)


def _expected_on(day) -> sa.ColumnElement[bool]:
    """AP-P4: "in training on `day`": enrolled on the day, once in training, and neither on
    approved leave nor suspended that day."""
    once_active = sa.or_(Enrolment.state.in_(_ONCE_ACTIVE),
                         sa.and_(Enrolment.state == EnrolmentState.SUSPENDED, _suspension_dated()))
    return sa.and_(once_active, _enrolled_on(day), ~_on_leave(day), ~_suspended_on(day))


def expected_count(session: ClassSession) -> int:
    """应到: enrolments in training in the session's programme on the session's day; for a
    high-skill session the project's listed trainees not taken off before it started."""
    if session.hs_proposal_id is not None:
        return db.session.scalar(
            sa.select(sa.func.count(HsTrainee.id))
            .where(HsTrainee.proposal_id == session.hs_proposal_id,
                   sa.or_(HsTrainee.removed_at.is_(None),
                          HsTrainee.removed_at > session.starts_at))) or 0
    return db.session.scalar(
        sa.select(sa.func.count(Enrolment.id))
        .where(Enrolment.programme_id == session.programme_id,
               _expected_on(beijing_day(session.starts_at)))
    ) or 0


def attendance_count_select(programme_ids) -> sa.Select:
    """AP-P4: the grouped (programme_id, attended, expected) select behind
    `attendance_counts`; `programme_ids` a collection or a select of ids, so a caller can
    aggregate it further in one statement (issue 14's worklist alert)."""
    return (
        sa.select(ClassSession.programme_id, sa.func.count(CheckIn.id).label("attended"),
                  sa.func.count().label("expected"))
        .select_from(ClassSession)
        .join(Enrolment, sa.and_(Enrolment.programme_id == ClassSession.programme_id,
                                 _expected_on(_BeijingDate(ClassSession.starts_at))))
        .outerjoin(CheckIn, sa.and_(CheckIn.session_id == ClassSession.id,
                                    CheckIn.enrolment_id == Enrolment.id))
        .where(ClassSession.programme_id.in_(programme_ids), ClassSession.closed_at.is_not(None))
        .group_by(ClassSession.programme_id)
    )


def attendance_counts(programme_ids) -> dict[int, tuple[int, int]]:
    """AP-P4: {programme id: (attended, expected)} over the programme's closed sessions.

    expected = Σ over closed sessions of the enrolments in training on the session's day
    (`_expected_on`); attended = the check-ins of those enrolments at those sessions, so
    attended ≤ expected. One grouped query; a programme without closed sessions is (0, 0).
    """
    ids = {int(i) for i in programme_ids}
    result = dict.fromkeys(ids, (0, 0))
    if not ids:
        return result
    rows = db.session.execute(attendance_count_select(ids)).all()
    for programme_id, attended, expected in rows:
        result[programme_id] = (attended, expected)
    return result


# --- the trainee's pages ----------------------------------------------------------------


def own_check_ins(user, session_ids) -> dict[int, CheckIn]:
    """The user's check-ins at the given sessions, by session id (one query)."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(CheckIn).where(_own(user), CheckIn.session_id.in_(ids)))
    return {row.session_id: row for row in rows}


def starting_on(day: date) -> sa.ColumnElement[bool]:
    """Sessions starting on `day`, a Beijing calendar day (the lists and worklists of today)."""
    start, end = beijing_day_bounds(day)
    return sa.and_(ClassSession.starts_at >= start, ClassSession.starts_at < end)


def todays_sessions(user, day: date) -> list[ClassSession]:
    """Sessions of the trainee's programmes starting on `day` (a Beijing calendar day)."""
    return list(db.session.scalars(
        class_sessions_for(user).where(starting_on(day))
        .order_by(ClassSession.starts_at, ClassSession.id)
    ))


def history_query(user, before: datetime) -> sa.Select:
    """The trainee's sessions that started before `before`, newest first.

    Only sessions held while the trainee was enrolled (from the student record's
    establishment to its end), so a session before they joined is not shown as missed; and
    the sessions of the high-skill projects whose list holds them.
    """
    enrolled = (sa.select(Enrolment.id)
                .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
                .where(Apprentice.user_id == user.id,
                       Enrolment.programme_id == ClassSession.programme_id,
                       _enrolled_on(_BeijingDate(ClassSession.starts_at))))
    listed = sa.select(HsTrainee.id).where(HsTrainee.user_id == user.id,
                                           HsTrainee.proposal_id == ClassSession.hs_proposal_id,
                                           HsTrainee.removed_at.is_(None))
    return (sa.select(ClassSession)
            .where(ClassSession.starts_at < before, sa.or_(enrolled.exists(), listed.exists()))
            .order_by(ClassSession.starts_at.desc(), ClassSession.id.desc()))


# --- evidence (AP-P3) -------------------------------------------------------------------


def evidence_of(session_id: int) -> list[Document]:
    return list(db.session.scalars(
        sa.select(Document).join(SessionEvidence, SessionEvidence.document_id == Document.id)
        .where(SessionEvidence.session_id == session_id)
        .order_by(SessionEvidence.created_at, SessionEvidence.id)
    ))


def add_evidence(actor, session: ClassSession, upload) -> SessionEvidence:
    """AP-P3: attach a photo or video of the training site to the session; audited, flushed."""
    if not can(actor, "run", session):
        raise NotAllowed("只有开设本课堂的单位可以上传培训现场照片或视频")
    owner = db.session.get(Organisation, actor.org_id)
    doc = documents.store(actor, upload, EVIDENCE_KIND, owner, media=EVIDENCE_MEDIA)
    evidence = SessionEvidence(session_id=session.id, document_id=doc.id)
    db.session.add(evidence)
    audit.record(actor, OBJECT_TYPE, session.id, "add_evidence", comment=doc.original_name)
    db.session.flush()
    return evidence
