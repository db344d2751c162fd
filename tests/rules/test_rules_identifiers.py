from datetime import date

import pytest

from portal.rules import (
    is_valid_credit_code,
    is_valid_mobile,
    is_valid_occupation_code,
    is_valid_resident_id,
    mask_mobile,
    mask_resident_id,
    normalise_identifier,
    normalise_occupation_code,
    resident_id_birth_date,
)

# Independent of the implementation (which wraps python-stdnum): GB 11643 and GB 32100
# check characters computed from the published weights.
_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _id_check(body: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def _code_check(body: str) -> str:
    total = sum(_CODE_ALPHABET.index(c) * 3**i % 31 for i, c in enumerate(body))
    return _CODE_ALPHABET[(31 - total % 31) % 31]


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",  # GB 11643-1999's own example, check character X
        "110105198001010016",
        "440304198511063012",
        "110105200002291235",  # 2000 is a leap year
        "11010519000101001X",  # earliest accepted birth date
    ],
)
def test_C_ID1_valid_resident_ids(value):
    assert _id_check(value[:17]) == value[17]
    assert is_valid_resident_id(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("11010519491231002x", "lower-case x is not canonical"),
        ("11010519491231002X ", "trailing space"),
        (" 11010519491231002X", "leading space"),
        ("110105198001010017", "wrong check digit (6 expected)"),
        ("110105198001010010", "wrong check digit"),
        ("11010519800101001X", "X where a digit is due"),
        ("11010519800101001", "17 characters"),
        ("1101051980010100160", "19 characters"),
        ("110105199902300015", "30 February, check digit otherwise right"),
        ("110105190002290017", "1900 is not a leap year"),
        ("110105200102290010", "29 February in a common year"),
        ("110105198013010011", "month 13"),
        ("110105189912310015", "born before 1900"),
        ("090105198001010017", "area code cannot start with 0"),
        ("910105198001010015", "area code cannot start with 9"),
        ("１１０１０５１９８００１０１００１６", "full-width digits"),
        ("١١٠١٠٥١٩٨٠٠١٠١٠٠١٦", "non-ASCII Unicode digits"),
        ("", "empty"),
    ],
)
def test_C_ID1_invalid_resident_ids(value, why):
    assert not is_valid_resident_id(value), why


@pytest.mark.parametrize("value", [None, 110105198001010016, b"110105198001010016", ["x"]])
def test_C_ID1_non_string_is_invalid_not_an_error(value):
    assert is_valid_resident_id(value) is False


def test_C_ID1_check_digit_of_invalid_dates_is_right_so_only_the_date_refuses_them():
    for value in ("110105199902300015", "110105190002290017", "110105200102290010"):
        assert _id_check(value[:17]) == value[17]


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("11010519491231002x", "11010519491231002X"),
        ("  11010519491231002X\t", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        ("\u3000１１０１０５１９４９１２３１００２Ｘ\u3000", "11010519491231002X"),
        ("91110000802100433b", "91110000802100433B"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_C_ID1_C_ID2_C_ID3_normalise_identifier_gives_the_canonical_form(typed, canonical):
    assert normalise_identifier(typed) == canonical


def test_C_ID1_lower_case_x_accepted_only_after_normalising():
    assert not is_valid_resident_id("11010519491231002x")
    assert is_valid_resident_id(normalise_identifier("11010519491231002x"))


@pytest.mark.parametrize("value", [None, 42])
def test_C_ID1_normalise_identifier_non_string_gives_empty(value):
    assert normalise_identifier(value) == ""


@pytest.mark.parametrize(
    ("value", "born"),
    [
        ("11010519491231002X", date(1949, 12, 31)),
        ("110105200002291235", date(2000, 2, 29)),
        ("110105198001010017", None),
        ("110105199902300015", None),
        (None, None),
    ],
)
def test_C_ID1_resident_id_birth_date(value, born):
    assert resident_id_birth_date(value) == born


@pytest.mark.parametrize(
    "value",
    [
        "91110000802100433B",  # Bank of China Ltd.
        "91110000600037341L",
        "12100000400000624D",  # authority 1: 机构编制
        "51110000500000001E",  # authority 5: 民政
        "Y1110000MA0000001Y",  # authority Y: other
        "A1110000MA0000001K",  # letter authority code, refused by python-stdnum
        "N2110000MA00000014",
    ],
)
def test_C_ID2_valid_credit_codes(value):
    assert _code_check(value[:17]) == value[17]
    assert is_valid_credit_code(value)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_C_ID2_letters_outside_the_alphabet_refused_whatever_the_check_character(letter):
    body = "91110000MA0" + letter + "00001"
    assert len(body) == 17
    assert not any(is_valid_credit_code(body + check) for check in _CODE_ALPHABET + "IOZSV")


def _with_check(body: str) -> str:
    return body + _code_check(body)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("91110000802100433C", "wrong check character"),
        ("91110000802100433b", "lower case"),
        ("91110000802100433B ", "trailing space"),
        ("9111000080210043B", "17 characters"),
        ("91110000802100433BB", "19 characters"),
        (_with_check("01110000802100433"), "registration authority 0"),
        (_with_check("911A0000802100433"), "area code must be digits"),
        ("９１１１００００８０２１００４３３Ｂ", "full-width"),
        ("", "empty"),
    ],
)
def test_C_ID2_invalid_credit_codes(value, why):
    assert not is_valid_credit_code(value), why


@pytest.mark.parametrize("value", [None, 91110000802100433, b"91110000802100433B"])
def test_C_ID2_non_string_is_invalid_not_an_error(value):
    assert is_valid_credit_code(value) is False


def test_C_ID2_lower_case_accepted_only_after_normalising():
    assert is_valid_credit_code(normalise_identifier(" 91110000802100433b "))


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("13800138000", True),
        ("19912345678", True),
        ("10000000000", True),  # RULES.md has no second-digit rule
        ("23800138000", False),
        ("1380013800", False),
        ("138001380000", False),
        ("1380013800a", False),
        (" 13800138000", False),
        ("138-0013-8000", False),
        ("１３８００１３８０００", False),
        ("", False),
        (None, False),
        (13800138000, False),
    ],
)
def test_C_ID3_mobile(value, valid):
    assert is_valid_mobile(value) is valid


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("12345678901", "123456*8901"),
        ("1234567890", "**********"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_C_PII_mask_resident_id(value, masked):
    assert mask_resident_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800138000", "138****8000"),
        ("12345678", "123*5678"),
        ("1234567", "*******"),
        ("", ""),
        (None, ""),
    ],
)
def test_C_PII_mask_mobile(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("6-18-01-01", True),  # 车工: 大类-中类-小类-细类
        ("4-10-01-01", True),
        ("6-18-01-01-02", True),  # with a 工种 suffix
        ("1-01-00-00", True),
        ("6-18-01", False),  # no 细类
        ("6-18-01-1", False),
        ("6-18-01-001", False),
        ("6-18-01-01-", False),
        ("6-18-01-01-2", False),
        ("6-18-01-01-02-03", False),
        ("61-8-01-01", False),
        ("6-18-01-0A", False),
        ("6180101", False),  # dashes are part of the code
        ("6.18.01.01", False),
        ("6－18－01－01", False),  # full-width dashes: normalise first
        ("6—18—01—01", False),
        (" 6-18-01-01", False),  # surrounding spaces: normalise first
        ("6-18-01-01 ", False),
        ("6-18-01-01\n", False),
        ("", False),
        (None, False),
        (6180101, False),
    ],
)
def test_AP_P5_occupation_code_format(value, valid):
    assert is_valid_occupation_code(value) is valid


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("6-18-01-01", "6-18-01-01"),
        ("  6-18-01-01\t", "6-18-01-01"),
        ("６－１８－０１－０１", "6-18-01-01"),  # digits and dashes from a Chinese IME
        ("6—18—01—01—02", "6-18-01-01-02"),
        ("6-18", "6-18"),  # a prefix stays a prefix (search by code start)
        ("", ""),
    ],
)
def test_AP_P5_occupation_code_normalised(typed, code):
    assert normalise_occupation_code(typed) == code


def test_AP_P5_normalised_occupation_code_is_valid_and_stable():
    code = normalise_occupation_code(" ６－１８－０１－０１－０２ ")
    assert is_valid_occupation_code(code)
    assert normalise_occupation_code(code) == code


def test_AP_P5_occupation_code_takes_ascii_digits_only():
    assert not is_valid_occupation_code("٦-١٨-٠١-٠١")
