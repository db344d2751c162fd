"""C-ID1, C-ID2, C-ID3 identifier checks, C-PII masking and the AP-P5 occupation code.

The ``is_valid_*`` checks accept only the canonical form; forms run user input
through ``normalise_identifier`` first, so a stray space or a full-width digit is
fixed before it is judged rather than silently accepted everywhere.
"""

import re
from datetime import date

from stdnum.cn import ric, uscc

_ASCII_DIGITS = frozenset("0123456789")

# C-ID1 (GB 11643-1999)
RESIDENT_ID_LENGTH = 18
# Area codes start with 1-8 (华北 … 台湾/港澳); 0 and 9 are unassigned.
_RESIDENT_ID_AREA_FIRST = frozenset("12345678")
# Births before 1900 cannot hold a second-generation ID number.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# C-ID2 (GB 32100-2015)
CREDIT_CODE_LENGTH = 18
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_CHARS = frozenset(CREDIT_CODE_ALPHABET)
# Registration authority codes are 1-9 and A-Y of the alphabet, never 0.
_CREDIT_CODE_AUTHORITY = frozenset(CREDIT_CODE_ALPHABET[1:])

# C-ID3
MOBILE_LENGTH = 11
_MOBILE_FIRST_DIGIT = "1"

# AP-P5: 国家职业分类大典 大类-中类-小类-细类 (X-XX-XX-XX), optionally a 工种 suffix -XX.
_OCCUPATION_CODE = re.compile(r"[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}(?:-[0-9]{2})?")
# Dashes a Chinese IME types in place of "-".
_DASHES = str.maketrans({"－": "-", "—": "-"})

# C-PII: characters kept visible at each end.
RESIDENT_ID_KEEP = (6, 4)
MOBILE_KEEP = (3, 4)

_FULL_WIDTH = str.maketrans(
    {
        chr(code): chr(code - 0xFEE0)
        for code in range(0xFF10, 0xFF5B)
        if chr(code - 0xFEE0).isalnum()
    }
)


def normalise_identifier(value: object) -> str:
    """C-ID1, C-ID2, C-ID3: canonical form of typed input (strip, full-width → ASCII, upper-case)."""
    if not isinstance(value, str):
        return ""
    return value.translate(_FULL_WIDTH).strip().upper()


def _is_ascii_digits(value: str) -> bool:
    """C-ID1, C-ID2, C-ID3: non-empty and only 0-9 (str.isdigit also takes other scripts)."""
    return bool(value) and set(value) <= _ASCII_DIGITS


def _birth_date(value: str, on: date | None = None) -> date | None:
    """C-ID1: the real birth date in characters 7-14, None if impossible, before 1900 or after `on`."""
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    if born < EARLIEST_BIRTH_DATE or (on is not None and born > on):
        return None
    return born


def is_valid_resident_id(value: object, on: date | None = None) -> bool:
    """C-ID1: 18-character resident ID with a real birth date and a MOD 11-2 check character.

    ``on`` is the day of the check: a birth date after it is invalid (the rules read no clock).
    """
    if not isinstance(value, str) or len(value) != RESIDENT_ID_LENGTH:
        return False
    body, check = value[:-1], value[-1]
    if not _is_ascii_digits(body) or not (check in _ASCII_DIGITS or check == "X"):
        return False
    if value[0] not in _RESIDENT_ID_AREA_FIRST or _birth_date(value, on) is None:
        return False
    return ric.calc_check_digit(value) == check


def resident_id_birth_date(value: object) -> date | None:
    """C-ID1: the birth date inside a valid resident ID, None if the ID is not valid."""
    return _birth_date(value) if is_valid_resident_id(value) else None


def is_valid_credit_code(value: object) -> bool:
    """C-ID2: 18-character unified social credit code, GB 32100 alphabet, MOD 31 check character."""
    if not isinstance(value, str) or len(value) != CREDIT_CODE_LENGTH:
        return False
    if not set(value) <= _CREDIT_CODE_CHARS or value[0] not in _CREDIT_CODE_AUTHORITY:
        return False
    # Characters 3-8 are the registering authority's administrative division code.
    if not _is_ascii_digits(value[2:8]):
        return False
    return uscc.calc_check_digit(value) == value[-1]


def is_valid_mobile(value: object) -> bool:
    """C-ID3: mainland mobile number, 11 ASCII digits starting with 1."""
    return (
        isinstance(value, str)
        and len(value) == MOBILE_LENGTH
        and _is_ascii_digits(value)
        and value.startswith(_MOBILE_FIRST_DIGIT)
    )


def normalise_occupation_code(value: str) -> str:
    """AP-P5: full-width digits and dashes (typed with a Chinese IME) → ASCII, trimmed."""
    return normalise_identifier(value.translate(_DASHES))


def is_valid_occupation_code(value: object) -> bool:
    """AP-P5: occupation code of the national classification, X-XX-XX-XX or X-XX-XX-XX-XX."""
    return isinstance(value, str) and bool(_OCCUPATION_CODE.fullmatch(value))


def _mask(value: str | None, keep: tuple[int, int]) -> str:
    """C-PII: keep ``keep`` characters at each end, one ``*`` per hidden character."""
    if not value:
        return ""
    head, tail = keep
    # Too short to hide anything while keeping both ends: hide it all.
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_resident_id(value: str | None) -> str:
    """C-PII: keep the first 6 and last 4 characters, one ``*`` per hidden character."""
    return _mask(value, RESIDENT_ID_KEEP)


def mask_mobile(value: str | None) -> str:
    """C-PII: keep the first 3 and last 4 digits, one ``*`` per hidden character."""
    return _mask(value, MOBILE_KEEP)


def mask_name(name: str | None) -> str:
    """C-PII: a holder's name on a public page keeps its first character, ``*`` for each other.

    A one-character name is shown as ``*``: the whole name would otherwise be disclosed.
    """
    value = (name or "").strip()
    if len(value) <= 1:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 1)
