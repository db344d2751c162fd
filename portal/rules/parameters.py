"""Policy figures marked *parameter* in RULES.md, with the seed's values as defaults.

The database layer stores effective-dated overrides and passes the merged mapping
(key -> int) to every rules function that takes ``params``. A figure RULES.md itself dates
(the minimum wage) carries that history here, so its numbers are written once (C-EFF).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType


@dataclass(frozen=True)
class ParameterSpec:
    """AP-$1, AP-$2, AP-$4, AP-E6, AP-P1, AP-P4, HS-P2, HS-$1: one adjustable policy figure.

    ``history`` (C-EFF) holds the dated values RULES.md gives, oldest first; the newest of
    them is the ``default``.
    """

    key: str
    rule_id: str
    label: str
    unit: str
    default: int
    history: tuple[tuple[date, int], ...] = ()

    def dated_default(self, day: date) -> tuple[date | None, int]:
        """C-EFF: (effective-from, value) of the built-in value in force on ``day``.

        Before the oldest dated value the oldest one applies (the portal knows no earlier
        figure; the centre can back-date one), with no date so any stored value wins.
        """
        since, value = None, (self.history[0][1] if self.history else self.default)
        for effective_from, dated in self.history:
            if effective_from <= day:
                since, value = effective_from, dated
        return since, value


def _dated(key: str, rule_id: str, label: str, unit: str,
           history: tuple[tuple[date, int], ...]) -> ParameterSpec:
    """C-EFF: a parameter RULES.md dates; its newest value is the default."""
    return ParameterSpec(key, rule_id, label, unit, history[-1][1], history)


_PER_PERSON_YEAR = "元/人·年"

PARAMETERS: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        "subsidy_ordinary_intermediate",
        "AP-$1",
        "普通职业（工种）中级补贴标准",
        _PER_PERSON_YEAR,
        5000,
    ),
    ParameterSpec(
        "subsidy_ordinary_advanced", "AP-$1", "普通职业（工种）高级补贴标准", _PER_PERSON_YEAR, 6000
    ),
    ParameterSpec(
        "subsidy_ordinary_technician",
        "AP-$1",
        "普通职业（工种）技师补贴标准",
        _PER_PERSON_YEAR,
        7000,
    ),
    ParameterSpec(
        "subsidy_ordinary_senior_technician",
        "AP-$1",
        "普通职业（工种）高级技师补贴标准",
        _PER_PERSON_YEAR,
        8000,
    ),
    ParameterSpec(
        "subsidy_urgent_intermediate",
        "AP-$1",
        "急需紧缺职业（工种）中级补贴标准",
        _PER_PERSON_YEAR,
        7000,
    ),
    ParameterSpec(
        "subsidy_urgent_advanced",
        "AP-$1",
        "急需紧缺职业（工种）高级补贴标准",
        _PER_PERSON_YEAR,
        8000,
    ),
    ParameterSpec(
        "subsidy_urgent_technician",
        "AP-$1",
        "急需紧缺职业（工种）技师补贴标准",
        _PER_PERSON_YEAR,
        9000,
    ),
    ParameterSpec(
        "subsidy_urgent_senior_technician",
        "AP-$1",
        "急需紧缺职业（工种）高级技师补贴标准",
        _PER_PERSON_YEAR,
        10000,
    ),
    # The seed is silent on whether an extension is subsidised: 0 = no, 1 = yes.
    ParameterSpec("subsidy_counts_extension", "AP-$2", "延期是否计入补贴年限（0否/1是）", "", 0),
    ParameterSpec("prepayment_pct", "AP-$4", "学籍建立后预拨补贴比例", "%", 50),
    # Not in the seed (it only says "本市最低工资标准"): Beijing's figures as RULES.md dates them.
    _dated("min_monthly_wage", "AP-E6", "本市最低月工资标准", "元/月",
           ((date(2023, 9, 1), 2420), (date(2025, 9, 1), 2540))),
    # Issue 12 (not a RULES.md figure): the days a recovery order (追回) gives to repay.
    ParameterSpec("recovery_due_days", "AP-$4", "追回期限", "天", 30),
    ParameterSpec("attendance_alert_below_pct", "AP-P4", "出勤率预警线（低于）", "%", 80),
    ParameterSpec("attrition_alert_above_pct", "AP-P4", "流失率预警线（高于）", "%", 20),
    # Issue 11 (not a RULES.md figure): the default radius of a session's optional location
    # check; a check-in further away is flagged for the teacher, never refused.
    ParameterSpec("checkin_radius_m", "AP-P1", "签到位置核验默认半径", "米", 100),
    ParameterSpec("hs_class_min", "HS-P2", "研修每班最少人数", "人", 20),
    ParameterSpec("hs_class_max", "HS-P2", "研修每班最多人数", "人", 30),
    ParameterSpec("hs_annual_cap", "HS-P2", "研修每年培训人数上限", "人", 800),
    ParameterSpec("hs_funding_per_trainee", "HS-$1", "研修资金补助标准", "元/人", 5000),
    # HS-$1's base: 1 = trainees on the filed completion roster (the portal's reading),
    # 0 = trainees on the filed list (the text's "per trainee of a listed project").
    ParameterSpec("hs_funding_on_roster", "HS-$1", "研修资金按结业备案名册人数计发（1是，0按备案名单）",
                  "", 1),
)

DEFAULTS: Mapping[str, int] = MappingProxyType({spec.key: spec.default for spec in PARAMETERS})


def param(params: Mapping[str, int] | None, key: str) -> int:
    """AP-$1, AP-$2, AP-$4, AP-E6, AP-P1, AP-P4, HS-P2, HS-$1: the value in force for ``key``.

    An override in ``params`` wins over the seed default; a key that is not a known
    parameter is a programming error (KeyError), even if ``params`` holds it.
    """
    default = DEFAULTS[key]
    if params is not None and key in params:
        return params[key]
    return default


def in_force_on(day: date, stored: Mapping[str, tuple[date, int]]) -> dict[str, int]:
    """C-EFF: every parameter in force on ``day``.

    ``stored`` maps a key to the newest stored (effective-from, value) on or before ``day``.
    Of that and the built-in dated value the later effective date wins (a stored value on
    the same date as a built-in one is the centre's and wins); else the default applies.
    """
    merged = {}
    for spec in PARAMETERS:
        since, value = spec.dated_default(day)
        row = stored.get(spec.key)
        if row is not None and (since is None or row[0] >= since):
            value = row[1]
        merged[spec.key] = value
    return merged


def is_backdated(effective_from: date, day: date) -> bool:
    """C-EFF: a value entered on ``day`` for a date already past changes history."""
    return effective_from < day


def backdating_problems(effective_from: date, reason: str, day: date) -> list[str]:
    """C-EFF: a value effective before the day it is entered needs a stated reason."""
    return ["C-EFF"] if is_backdated(effective_from, day) and not (reason or "").strip() else []
