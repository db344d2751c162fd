"""C-MONEY, AP-$4: amounts typed by people, and when a recovery order is overdue.

Pure: the caller passes the text and the day; nothing here reads a clock or a database.
"""

import re
import unicodedata
from datetime import date

# The widest figure any money column (a 32-bit integer on PostgreSQL) holds.
MAX_YUAN = 2_000_000_000

_DIGITS = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")

NOT_A_NUMBER = "金额须为整数元，请只填写数字（规则 C-MONEY）"
NOT_WHOLE = "金额须为整数元，不能有小数（规则 C-MONEY）"
NEGATIVE = "金额不能为负数（规则 C-MONEY）"
NOT_POSITIVE = "金额须大于0元（规则 C-MONEY）"
TOO_LARGE = f"金额不能超过{MAX_YUAN}元（规则 C-MONEY）"


def yuan_problem(text: str | None, *, positive: bool = False) -> str | None:
    """C-MONEY: why `text` is not a whole number of yuan (None when it is one).

    Full-width digits and thousands separators ("2,500") are accepted; a sign, a decimal
    point, a unit or anything else is refused. `positive` refuses 0 as well.
    """
    value = unicodedata.normalize("NFKC", text or "").strip().replace("元", "", 1).strip()
    if value.startswith("-") and _number(value[1:]) is not None:
        return NEGATIVE
    if re.fullmatch(r"-?[0-9,]*\.[0-9]*", value) and any(c.isdigit() for c in value):
        return NEGATIVE if value.startswith("-") else NOT_WHOLE
    amount = _number(value)
    if amount is None:
        return NOT_A_NUMBER
    if amount > MAX_YUAN:
        return TOO_LARGE
    if positive and amount == 0:
        return NOT_POSITIVE
    return None


def parse_yuan(text: str | None, *, positive: bool = False) -> int | None:
    """C-MONEY: the whole yuan `text` states, or None when yuan_problem refuses it."""
    if yuan_problem(text, positive=positive) is not None:
        return None
    value = unicodedata.normalize("NFKC", text or "").strip().replace("元", "", 1).strip()
    return _number(value)


def _number(value: str) -> int | None:
    """C-MONEY: plain digits, or digits grouped by thousands ("2,500"), as an int."""
    if _DIGITS.fullmatch(value) or _GROUPED.fullmatch(value):
        return int(value.replace(",", ""))
    return None


def amount_problem(amount: object, *, positive: bool = False) -> str | None:
    """C-MONEY: an amount handed to a service must be an integer (never a float or a bool)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        return NOT_WHOLE if isinstance(amount, float) else NOT_A_NUMBER
    if amount < 0:
        return NEGATIVE
    if positive and amount == 0:
        return NOT_POSITIVE
    if amount > MAX_YUAN:
        return TOO_LARGE
    return None


def recovery_overdue(due_on: date, outstanding: int, today: date) -> bool:
    """AP-$4: a recovery order (追回) is overdue while money is outstanding after its due day."""
    return outstanding > 0 and due_on < today
