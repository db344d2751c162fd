"""Completed hours and credits of apprentices (AP-C4), with the 1:3:6 guidance (AP-C1).

The institution typically records centralised training (集中培训) and the enterprise
on-the-job training (岗位训练); either side may record either kind, and each record keeps
the organisation and user that recorded it.

Portal sanity rule (no RULES.md ID; a guard against typing errors, not policy): one record
holds the hours of one day, a positive whole number of at most MAX_HOURS_PER_DAY, and the
hours of one apprentice on one day, over all records, stay within MAX_HOURS_PER_DAY. The day
is not in the future and not before the programme starts.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from types import MappingProxyType

import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.mentors.access import training_side
from portal.clock import today  # noqa: F401 - today is part of this module's API
from portal.core import audit
from portal.core.errors import NotAllowed
from portal.extensions import db
from portal.models import (
    Apprentice,
    CreditRecord,
    Enrolment,
    EnrolmentState,
    Occupation,
    Organisation,
    Programme,
)

OBJECT_TYPE = "credit_record"

# AP-C1 course types and AP-C4 training modes, as stored in CreditRecord.
COURSE_TYPES = MappingProxyType(
    {"general": "通用素质", "theory": "专业理论", "practice": "技能实训"}
)
MODES = MappingProxyType({"centralised": "集中培训", "on_job": "岗位训练"})

MAX_HOURS_PER_DAY = 24  # portal sanity rule, see the module docstring
NOTE_MAX_LENGTH = 200

# AP-C4: only apprentices whose student record is established and in training earn credits.
CREDIT_STATES = frozenset({EnrolmentState.ACTIVE})

HOURS_MESSAGE = f"学时须为1至{MAX_HOURS_PER_DAY}之间的整数（每条记录为一天的学时）"




def format_credits(value: float) -> str:
    """Credits for people: 4.5, 40 (no trailing .0)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- Recording ---------------------------------------------------------------------------


def record_hours(actor, enrolments: Sequence[Enrolment], course_type: str, mode: str,
                 hours: int, on_day: date, note: str = "", *,
                 on: date | None = None) -> list[CreditRecord]:
    """AP-C4: record the same completed hours for one apprentice or a selection.

    All or nothing: a selection with one unfit apprentice records nothing. Each record is
    audited. `on` is "today" (tests pass it; by default the Beijing date).
    """
    if not enrolments:
        raise NotAllowed("请先选择学徒")
    programmes = _programmes_of(enrolments)
    if any(training_side(actor, p) is None for p in programmes.values()):
        raise NotAllowed("只有本项目的企业或合作培训机构可以记录学时")
    if course_type not in COURSE_TYPES:
        raise NotAllowed("请选择课程类别（通用素质、专业理论或技能实训）")
    if mode not in MODES:
        raise NotAllowed("请选择培训形式（集中培训或岗位训练）")
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_HOURS_PER_DAY:
        raise NotAllowed(HOURS_MESSAGE)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise NotAllowed(f"备注不超过{NOTE_MAX_LENGTH}字")
    _check_day(on_day, on or today(), programmes.values())
    _check_states(enrolments)
    _check_day_totals(enrolments, hours, on_day)

    records = [
        CreditRecord(enrolment_id=e.id, recorded_by_org_id=actor.org_id, recorded_by_id=actor.id,
                     course_type=course_type, mode=mode, hours=hours, on_day=on_day, note=note)
        for e in enrolments
    ]
    db.session.add_all(records)
    db.session.flush()
    for record in records:
        audit.record(actor, OBJECT_TYPE, record.id, "record_hours", comment=(
            f"学籍{record.enrolment_id}：{on_day.isoformat()} {MODES[mode]}·"
            f"{COURSE_TYPES[course_type]} {hours}课时" + (f"（{note}）" if note else "")
        ))
    db.session.flush()
    return records


def _programmes_of(enrolments: Sequence[Enrolment]) -> dict[int, Programme]:
    ids = {e.programme_id for e in enrolments}
    return {p.id: p for p in db.session.scalars(sa.select(Programme).where(Programme.id.in_(ids)))}


def _check_day(on_day: date | None, on: date, programmes: Iterable[Programme]) -> None:
    if on_day is None:
        raise NotAllowed("请填写培训日期")
    if on_day > on:
        raise NotAllowed("培训日期不能晚于今天（只记录已完成的学时）")
    if any(on_day < p.start_date for p in programmes):
        raise NotAllowed("培训日期不能早于项目开班日期")


def _check_states(enrolments: Sequence[Enrolment]) -> None:
    unfit = [e for e in enrolments if e.state not in CREDIT_STATES]
    if unfit:
        names = _names({e.apprentice_id: e.state for e in unfit})
        raise NotAllowed("只有在训学徒可以记录学时（规则 AP-C4），以下学徒不能记录："
                         + "、".join(names))


def _check_day_totals(enrolments: Sequence[Enrolment], hours: int, on_day: date) -> None:
    recorded = dict(db.session.execute(
        sa.select(CreditRecord.enrolment_id, sa.func.sum(CreditRecord.hours))
        .where(CreditRecord.enrolment_id.in_([e.id for e in enrolments]),
               CreditRecord.on_day == on_day)
        .group_by(CreditRecord.enrolment_id)
    ).all())
    over = [e for e in enrolments if recorded.get(e.id, 0) + hours > MAX_HOURS_PER_DAY]
    if over:
        names = _names({e.apprentice_id: None for e in over})
        raise NotAllowed(f"同一学徒一天的学时合计不能超过{MAX_HOURS_PER_DAY}："
                         f"{'、'.join(names)}在{on_day.isoformat()}已有学时记录")


def _names(states_by_apprentice: dict[int, EnrolmentState | None]) -> list[str]:
    rows = db.session.execute(
        sa.select(Apprentice.id, Apprentice.name)
        .where(Apprentice.id.in_(list(states_by_apprentice))).order_by(Apprentice.id)
    ).all()
    return [f"{name}（{states_by_apprentice[i].label}）" if states_by_apprentice[i] else name
            for i, name in rows]


# --- Totals and progress -----------------------------------------------------------------


def _sum_of(column, value: str):
    return sa.func.sum(sa.case((column == value, CreditRecord.hours), else_=0))


def empty_hours() -> dict[str, int]:
    return {key: 0 for key in (*COURSE_TYPES, *MODES, "hours")}


def credit_totals(enrolment_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """AP-C4: hours per course type and mode of each enrolment, in ONE grouped query.

    Every requested id is a key; each value holds ``general``, ``theory``, ``practice``,
    ``centralised``, ``on_job`` and ``hours`` (the total), all whole hours.
    """
    ids = sorted(set(enrolment_ids))
    totals = {i: empty_hours() for i in ids}
    if not ids:
        return totals
    columns = [_sum_of(CreditRecord.course_type, key).label(key) for key in COURSE_TYPES]
    columns += [_sum_of(CreditRecord.mode, key).label(key) for key in MODES]
    columns.append(sa.func.sum(CreditRecord.hours).label("hours"))
    rows = db.session.execute(
        sa.select(CreditRecord.enrolment_id, *columns)
        .where(CreditRecord.enrolment_id.in_(ids)).group_by(CreditRecord.enrolment_id)
    ).mappings()
    for row in rows:
        totals[row["enrolment_id"]] = {key: int(row[key] or 0) for key in empty_hours()}
    return totals


def progress(level: str, hours: dict[str, int]) -> dict:
    """AP-C4 progress toward the level's credits and AP-C1 guidance (a warning, never a block).

    No guidance is given before any hours are recorded: an empty record is not a deviation.
    """
    required = rules.required_credits(level)
    credits = rules.credits_for_hours(hours["hours"])
    shares = rules.course_ratio_shares(hours["general"], hours["theory"], hours["practice"])
    warnings = (rules.course_ratio_warnings(hours["general"], hours["theory"], hours["practice"])
                if hours["hours"] else [])
    return {
        "hours": hours,
        "required_credits": required,
        "credits": credits,
        "credits_text": format_credits(credits),
        "centralised_credits": rules.credits_for_hours(hours["centralised"]),
        "on_job_credits": rules.credits_for_hours(hours["on_job"]),
        "progress_pct": rules.credit_progress_pct(level, hours["hours"]),
        "complete": rules.training_complete(level, hours["centralised"], hours["on_job"]),
        "shares": dict(zip(COURSE_TYPES, shares, strict=True)),
        "ratio_warnings": warnings,
    }


def records_of(enrolment_id: int, limit: int | None = None) -> list[dict]:
    """AP-C4: an apprentice's credit records, newest first, with the recording organisation."""
    q = (
        sa.select(CreditRecord, Organisation.name)
        .join(Organisation, Organisation.id == CreditRecord.recorded_by_org_id)
        .where(CreditRecord.enrolment_id == enrolment_id)
        .order_by(CreditRecord.on_day.desc(), CreditRecord.id.desc())
    )
    if limit:
        q = q.limit(limit)
    return [
        {"id": r.id, "on_day": r.on_day, "course_type": r.course_type,
         "course_type_label": COURSE_TYPES.get(r.course_type, r.course_type), "mode": r.mode,
         "mode_label": MODES.get(r.mode, r.mode), "hours": r.hours, "note": r.note,
         "recorded_by": org_name}
        for r, org_name in db.session.execute(q).all()
    ]


def trainee_progress(enrolment_id: int, recent: int = 10) -> dict:
    """AP-C4, AP-C1: one apprentice's credits for the trainee's own phone pages.

    The caller has checked that the enrolment is the signed-in trainee's own. Raises
    LookupError for an unknown id. Keys: enrolment_id, status, status_label, programme_id,
    occupation, level, level_label, required_credits, credits, credits_text,
    centralised_credits, on_job_credits, hours{general, theory, practice, centralised,
    on_job, hours}, progress_pct, complete, shares{general, theory, practice},
    ratio_warnings, ratio_message, recent[...] (newest records).
    """
    row = db.session.execute(
        sa.select(Enrolment.id, Enrolment.state, Programme.id.label("programme_id"),
                  Programme.level, Occupation.name.label("occupation"))
        .join(Programme, Programme.id == Enrolment.programme_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Enrolment.id == enrolment_id)
    ).mappings().first()
    if row is None:
        raise LookupError(f"no enrolment {enrolment_id}")
    result = progress(row["level"], credit_totals([enrolment_id])[enrolment_id])
    result.update(
        enrolment_id=row["id"], status=row["state"], status_label=row["state"].label,
        programme_id=row["programme_id"], occupation=row["occupation"], level=row["level"],
        level_label=rules.LEVEL_LABELS[row["level"]],
        ratio_message=rules.rule_message("AP-C1") if result["ratio_warnings"] else "",
        recent=records_of(enrolment_id, limit=recent),
    )
    return result
