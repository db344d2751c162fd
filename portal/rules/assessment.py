"""Joint assessment at the end of training (考核评价): AP-S1 and AP-S2, pure."""

from datetime import date

from .levels import LEVEL_LABELS

# AP-S2: the vocational certificates a skill assessment can award (the model's enum values).
VOCATIONAL_TYPES = ("skill_level", "qualification", "special_ability", "safety")
VOCATIONAL_NUMBER_MAX = 40


def may_assess(day: date, planned_end: date) -> bool:
    """AP-S1: the joint assessment comes at the end, on or after the planned last day."""
    return day >= planned_end


def joint_verdict(enterprise: str | None, institution: str | None) -> str | None:
    """AP-S1: the agreed outcome once both parties have given the same verdict, else None."""
    if enterprise is None or institution is None or enterprise != institution:
        return None
    return enterprise


def verdicts_disagree(enterprise: str | None, institution: str | None) -> bool:
    """AP-S1: both parties have spoken and said different things."""
    return enterprise is not None and institution is not None and enterprise != institution


def vocational_certificate_problems(kind: str | None, level: str | None, number: str | None,
                                    issued_on: date | None, day: date) -> list[tuple[str, str]]:
    """AP-S2: a vocational certificate is recorded with type, level, number and issue date,
    all four or none; the issue date is not in the future. Returns (field, message) pairs."""
    given = {"type": kind, "level": level, "number": (number or "").strip() or None,
             "issued_on": issued_on}
    if all(value is None or value == "" for value in given.values()):
        return []
    labels = {"type": "证书类别", "level": "证书等级", "number": "证书编号",
              "issued_on": "发证日期"}
    problems = [(field, f"登记职业证书须同时填写{label}（规则 AP-S2）")
                for field, label in labels.items() if given[field] in (None, "")]
    if kind and kind not in VOCATIONAL_TYPES:
        problems.append(("type", "证书类别不在可登记的职业证书范围内（规则 AP-S2）"))
    if level and level not in LEVEL_LABELS:
        problems.append(("level", "证书等级须为初级、中级、高级、技师或高级技师（规则 AP-S2）"))
    if given["number"] and len(given["number"]) > VOCATIONAL_NUMBER_MAX:
        problems.append(("number", f"证书编号不能超过{VOCATIONAL_NUMBER_MAX}个字符（规则 AP-S2）"))
    if issued_on is not None and issued_on > day:
        problems.append(("issued_on", "发证日期不能晚于今天（规则 AP-S2）"))
    return problems
