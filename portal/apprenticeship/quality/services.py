"""AP-P4: attendance rate (出勤率) and attrition rate (流失率) per programme, with alerts.

The rounding and the alert thresholds live in portal.rules; the thresholds are parameters
read through `parameters_on` (the centre changes them without a code change). Any number of
programmes costs a constant number of grouped queries, so list pages stay flat.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.training.attendance import attendance_count_select, attendance_counts
from portal.apprenticeship.training.leave import today
from portal.catalogue.parameters import parameter_in_force, parameters_on
from portal.extensions import db
from portal.models import Enrolment, EnrolmentState, Programme

# AP-P4 流失率 = withdrawn ÷ enrolled: "enrolled" counts every enrolment whose student
# record was ever established (a draft, a pending or a refused registration never was).
ESTABLISHED_STATES = (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED, EnrolmentState.WITHDRAWN,
                      EnrolmentState.TRANSFERRED, EnrolmentState.COMPLETED)


@dataclass(frozen=True)
class Rates:
    """AP-P4: one programme's figures; percentages are None while there is nothing to count."""

    programme_id: int
    attended: int
    expected: int
    withdrawn: int
    enrolled: int
    attendance_pct: int | None
    attrition_pct: int | None
    low_attendance: bool
    high_attrition: bool
    alerts: tuple[str, ...]  # ("AP-P4",) or ()

    @property
    def alert(self) -> bool:
        return bool(self.alerts)


def attrition_counts(programme_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """AP-P4: (withdrawn, enrolled) per programme, in one grouped query."""
    ids = list(programme_ids)
    result = {i: (0, 0) for i in ids}
    if not ids:
        return result
    withdrawn = sa.func.sum(sa.case((Enrolment.state == EnrolmentState.WITHDRAWN, 1), else_=0))
    rows = db.session.execute(
        sa.select(Enrolment.programme_id, withdrawn, sa.func.count())
        .where(Enrolment.programme_id.in_(ids), Enrolment.state.in_(ESTABLISHED_STATES))
        .group_by(Enrolment.programme_id)
    )
    for programme_id, gone, enrolled in rows:
        result[programme_id] = (int(gone or 0), enrolled)
    return result


def rates_from(programme_id: int, attended: int, expected: int, withdrawn: int, enrolled: int,
               params: Mapping[str, int] | None) -> Rates:
    """AP-P4: percentages and alerts from the counts, all through portal.rules."""
    attendance = rules.attendance_rate_pct(attended, expected)
    attrition = rules.attrition_rate_pct(withdrawn, enrolled)
    return Rates(
        programme_id=programme_id, attended=attended, expected=expected,
        withdrawn=withdrawn, enrolled=enrolled,
        attendance_pct=attendance, attrition_pct=attrition,
        low_attendance=bool(rules.programme_alerts(attendance, None, params=params)),
        high_attrition=bool(rules.programme_alerts(None, attrition, params=params)),
        alerts=tuple(rules.programme_alerts(attendance, attrition, params=params)),
    )


def programme_rates(programme_ids: Iterable[int],
                    params: Mapping[str, int] | None = None) -> dict[int, Rates]:
    """AP-P4: attendance and attrition of each programme with its alerts.

    `params` are the parameters in force (default: `parameters_on(today())`), so the alert
    thresholds are the centre's current settings. Attendance is services.attendance's
    (closed sessions × enrolments in training on each session's day). Three queries for
    any number of programmes.
    """
    ids = list(dict.fromkeys(programme_ids))
    if params is None:
        params = parameters_on(today())
    attendance = attendance_counts(ids)
    attrition = attrition_counts(ids)
    return {i: rates_from(i, *attendance[i], *attrition[i], params=params) for i in ids}


def alert_count_select(programmes: sa.Select, oldest, day=None) -> sa.Select:
    """AP-P4 on the worklist (issue 14 item 10): ONE statement counting the programmes of
    `programmes` (a select of Programme rows, the caller's scope) whose rates raise an
    alert, with min(`oldest`); the same programmes as `programme_rates(...)[id].alert`,
    through rules.alert_factors on the thresholds in force (no second copy of the
    rounding, no separate parameter query)."""
    day = day or today()
    attendance_factor, attrition_factor = rules.alert_factors(
        parameter_in_force("attendance_alert_below_pct", day),
        parameter_in_force("attrition_alert_above_pct", day))
    ids = programmes.with_only_columns(Programme.id).correlate(None).scalar_subquery()
    attendance = attendance_count_select(ids).subquery("attendance")
    withdrawn = sa.func.sum(sa.case((Enrolment.state == EnrolmentState.WITHDRAWN, 1), else_=0))
    attrition = (sa.select(Enrolment.programme_id, withdrawn.label("withdrawn"),
                           sa.func.count().label("enrolled"))
                 .where(Enrolment.programme_id.in_(ids),
                        Enrolment.state.in_(ESTABLISHED_STATES))
                 .group_by(Enrolment.programme_id).subquery("attrition"))
    alert = sa.or_(
        sa.and_(attendance.c.expected > 0,
                200 * attendance.c.attended < attendance_factor * attendance.c.expected),
        sa.and_(attrition.c.enrolled > 0,
                200 * attrition.c.withdrawn >= attrition_factor * attrition.c.enrolled))
    return (programmes.outerjoin(attendance, attendance.c.programme_id == Programme.id)
            .outerjoin(attrition, attrition.c.programme_id == Programme.id)
            .where(alert).with_only_columns(sa.func.count(), sa.func.min(oldest)))
