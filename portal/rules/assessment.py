"""Joint assessment at the end of training (考核评价): AP-S1 and AP-S2; the performance
evaluation of an enterprise (绩效评价) and its audit veto: AP-V4; the district's inspections
(视频抽查、现场抽查) and the reproducible sample they are drawn from: AP-V1. Pure."""

import hashlib
import math
from collections.abc import Iterable
from datetime import date
from fractions import Fraction

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


# AP-V4: the years an audit grant, an audit result or an evaluation may name (the
# programmes' years, with room both ways; a year outside is a typing error).
AUDIT_YEARS = range(2015, 2100)

# AP-V4: conclusion bands of a performance evaluation, as a share of the full score
# (lowest share of the band in per cent, conclusion), best first.
EVALUATION_BANDS = ((90, "优秀"), (80, "良好"), (60, "合格"), (0, "不合格"))
EVALUATION_FAIL = "不合格"


def evaluation_conclusion(total: int, full_marks: int) -> str:
    """AP-V4: the conclusion a total earns against the full marks of the indicators scored
    (优秀 ≥ 90 %, 良好 ≥ 80 %, 合格 ≥ 60 %, else 不合格); no indicators scores 不合格."""
    if full_marks <= 0:
        return EVALUATION_FAIL
    for lowest, conclusion in EVALUATION_BANDS:
        if total * 100 >= lowest * full_marks:
            return conclusion
    return EVALUATION_FAIL


def evaluation_veto(conclusion: str, audit_failed: bool) -> tuple[str, bool]:
    """AP-V4: a failed third-party audit of the same enterprise and year vetoes the evaluation
    (一票否决): the conclusion is 不合格 whatever the score. Returns (conclusion, vetoed)."""
    if audit_failed:
        return EVALUATION_FAIL, True
    return conclusion, False


def evaluation_score_problems(score: int | None, max_score: int) -> str | None:
    """AP-V4: an indicator's score is a whole number from 0 to its maximum."""
    if score is None or score < 0 or score > max_score:
        return f"得分须在0至{max_score}分之间（规则 AP-V4）"
    return None


# --- AP-V1: inspections and their reproducible sample ---------------------------------------

# A seed a person can read aloud and type again (shown on the page, kept with the sample).
SAMPLE_SEED_MIN = 1
SAMPLE_SEED_MAX = 999_999_999
INSPECTION_PHOTOS_MAX = 12
INSPECTION_METHOD_MAX = 200
INSPECTION_FINDINGS_MAX = 4000

SAMPLE_SIZE_OR_PERCENT = "请填写抽查数量或抽查比例中的一项（规则 AP-V1）"
SAMPLE_SIZE_POSITIVE = "抽查数量须为正整数（规则 AP-V1）"
SAMPLE_PERCENT_RANGE = "抽查比例须在 1% 到 100% 之间（规则 AP-V1）"
SAMPLE_SEED_RANGE = f"随机种子须为 {SAMPLE_SEED_MIN} 到 {SAMPLE_SEED_MAX} 之间的整数（规则 AP-V1）"
INSPECTION_FUTURE_DATE = "检查日期不能晚于今天（规则 AP-V1）"
INSPECTION_FINDINGS_REQUIRED = "发现问题的检查须填写检查发现（规则 AP-V1）"
INSPECTION_TOO_MANY_PHOTOS = f"一次最多上传 {INSPECTION_PHOTOS_MAX} 张照片（规则 AP-V1）"


def sample_request_problems(size: int | None, percent: int | None, seed: int | None) -> list[str]:
    """AP-V1: a draw asks for a number of programmes *or* a percentage, and a seed."""
    problems = []
    if (size is None) == (percent is None):
        problems.append(SAMPLE_SIZE_OR_PERCENT)
    elif size is not None and size < 1:
        problems.append(SAMPLE_SIZE_POSITIVE)
    elif percent is not None and not 1 <= percent <= 100:
        problems.append(SAMPLE_PERCENT_RANGE)
    if seed is None or not SAMPLE_SEED_MIN <= seed <= SAMPLE_SEED_MAX:
        problems.append(SAMPLE_SEED_RANGE)
    return problems


def sample_size(candidates: int, size: int | None = None, percent: int | None = None) -> int:
    """AP-V1: how many programmes a draw takes: the number asked (at most all of them), or
    the percentage of the candidates rounded up (so 10% of 3 programmes inspects one)."""
    if candidates <= 0:
        return 0
    if size is not None:
        return min(size, candidates)
    return min(candidates, max(1, math.ceil(Fraction(candidates * (percent or 0), 100))))


def draw_sample(candidate_ids: Iterable[int], seed: int, count: int) -> list[int]:
    """AP-V1: the reproducible random sample: the same seed over the same programmes gives
    the same list, in the same order, whoever draws it and whatever order the database
    returned them in. Each candidate's place is the
    SHA-256 of "seed:id" (not `random`, whose `sample` Python does not promise to keep
    across versions), so anyone can re-check a draw by hand."""
    ordered = sorted(set(candidate_ids), key=lambda i: hashlib.sha256(f"{seed}:{i}".encode())
                     .hexdigest())
    return ordered[:max(0, count)]


def inspection_problems(inspected_on: date | None, today: date, *, problems_found: bool,
                        findings: str, photos: int = 0) -> list[str]:
    """AP-V1: an inspection is dated (not in the future) and records what it found."""
    problems = []
    if inspected_on is not None and inspected_on > today:
        problems.append(INSPECTION_FUTURE_DATE)
    if problems_found and not (findings or "").strip():
        problems.append(INSPECTION_FINDINGS_REQUIRED)
    if photos > INSPECTION_PHOTOS_MAX:
        problems.append(INSPECTION_TOO_MANY_PHOTOS)
    return problems
