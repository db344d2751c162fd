"""Policy figures marked *parameter* in RULES.md, with the seed's values as defaults.

The database layer stores effective-dated overrides and passes the merged mapping
(key -> int) to every rules function that takes ``params``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class ParameterSpec:
    """AP-$1, AP-$2, AP-$4, AP-E6, AP-P4, HS-P2, HS-$1: one adjustable policy figure."""

    key: str
    rule_id: str
    label: str
    unit: str
    default: int


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
    # Not in the seed (it only says "本市最低工资标准"): Beijing's figure since 2025-09-01.
    ParameterSpec("min_monthly_wage", "AP-E6", "本市最低月工资标准", "元/月", 2540),
    ParameterSpec("attendance_alert_below_pct", "AP-P4", "出勤率预警线（低于）", "%", 80),
    ParameterSpec("attrition_alert_above_pct", "AP-P4", "流失率预警线（高于）", "%", 20),
    ParameterSpec("hs_class_min", "HS-P2", "研修每班最少人数", "人", 20),
    ParameterSpec("hs_class_max", "HS-P2", "研修每班最多人数", "人", 30),
    ParameterSpec("hs_annual_cap", "HS-P2", "研修每年培训人数上限", "人", 800),
    ParameterSpec("hs_funding_per_trainee", "HS-$1", "研修资金补助标准", "元/人", 5000),
)

DEFAULTS: Mapping[str, int] = MappingProxyType({spec.key: spec.default for spec in PARAMETERS})


def param(params: Mapping[str, int] | None, key: str) -> int:
    """AP-$1, AP-$2, AP-$4, AP-E6, AP-P4, HS-P2, HS-$1: the value in force for ``key``.

    An override in ``params`` wins over the seed default; a key that is not a known
    parameter is a programming error (KeyError), even if ``params`` holds it.
    """
    default = DEFAULTS[key]
    if params is not None and key in params:
        return params[key]
    return default
