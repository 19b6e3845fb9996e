"""统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999) check digits, held
against python-stdnum and against implementations written here from the standards."""

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from stplan.eligibility.engine import check_application
from stplan.eligibility.facts import Application
from stplan.eligibility.identifiers import (
    ric_birth_date,
    ric_check_character,
    ric_problem,
    uscc_check_character,
    uscc_problem,
)
from tests.eligibility.builders import GUIDE, eligible, errors
from tests.factories import PersonData, credit_code, resident_id

DIGITS = "0123456789"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V
RIC_CHECK = "10X98765432"
# What careless or odd input holds: excluded and lower-case letters, separators, and digits
# that are not ASCII (full-width, Arabic-Indic, superscript) but that str.isdigit() accepts.
NOISE = "IOZSVabxy -.０１９١٢٩²³"

PROPERTY = settings(max_examples=300, deadline=None)


# --- GB 32100-2015, written from the standard ---


def gb32100_check(first17: str) -> str:
    """C18 = 31 - (Σ Ci·Wi mod 31), Wi = 3^(i-1) mod 31; 31 is written 0."""
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def gb32100_valid(code: str) -> bool:
    return (
        len(code) == 18
        and all(c in USCC_ALPHABET for c in code)
        and all(c in DIGITS for c in code[2:8])  # 登记管理机关行政区划码
        and gb32100_check(code[:17]) == code[17]
    )


# --- GB 11643-1999, written from the standard ---


def gb11643_check(first17: str) -> str:
    """ISO 7064 MOD 11-2: Σ ai·Wi mod 11 with Wi = 2^(18-i) mod 11, mapped through 10X98765432."""
    total = sum(DIGITS.index(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    return RIC_CHECK[total % 11]


def gb11643_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gb11643_valid(number: str) -> bool:
    return (
        len(number) == 18
        and all(c in DIGITS for c in number[:17])
        and number[17] in DIGITS + "X"
        and gb11643_birth_date(number) is not None
        and gb11643_check(number[:17]) == number[17]
    )


def stdnum_ric_valid(number: str) -> bool:
    """python-stdnum's `ric.validate` without its birth-place lookup (GB 11643 has no such check)."""
    try:
        if len(number) != 18 or not all(c in DIGITS for c in number[:17]):
            return False
        if ric.calc_check_digit(number) != number[17]:
            return False
        ric.get_birth_date(number)
    except ValidationError:
        return False
    return True


# --- strategies ---

uscc_bodies = st.text(USCC_ALPHABET, min_size=17, max_size=17)
uscc_bodies_digit_prefix = st.builds(
    str.__add__, st.text(DIGITS, min_size=8, max_size=8), st.text(USCC_ALPHABET, min_size=9, max_size=9)
)
valid_uscc = st.builds(
    lambda head, region, tail: (body := head + region + tail) + gb32100_check(body),
    st.text(USCC_ALPHABET, min_size=2, max_size=2),
    st.text(DIGITS, min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
)

ric_bodies = st.builds(
    lambda region, born, serial: f"{region}{born.year:04d}{born.month:02d}{born.day:02d}{serial}",
    st.text(DIGITS, min_size=6, max_size=6),
    st.dates(),
    st.text(DIGITS, min_size=3, max_size=3),
)
valid_ric = ric_bodies.map(lambda body: body + gb11643_check(body))


def _mutations(valid, alphabet):
    return st.builds(
        lambda code, position, char: code[:position] + char + code[position + 1 :],
        valid,
        st.integers(0, 17),
        st.sampled_from(alphabet),
    )


uscc_texts = st.one_of(
    st.text(USCC_ALPHABET + NOISE, min_size=16, max_size=19),
    valid_uscc,
    _mutations(valid_uscc, USCC_ALPHABET + NOISE),
)
ric_texts = st.one_of(
    st.text(DIGITS + "X" + NOISE, min_size=16, max_size=19),
    valid_ric,
    _mutations(valid_ric, DIGITS + "X" + NOISE),
)


# --- 统一社会信用代码 ---


@PROPERTY
@given(uscc_bodies)
def test_uscc_check_character_matches_gb32100_and_stdnum(body):
    assert uscc_check_character(body) == gb32100_check(body)
    assert uscc_check_character(body) == uscc.calc_check_digit(body)


@PROPERTY
@given(valid_uscc)
def test_uscc_problem_none_for_valid_code(code):
    assert uscc_problem(code) is None
    # the standard's defining congruence: Σ Ci·Wi + C18 ≡ 0 (mod 31)
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    assert (total + USCC_ALPHABET.index(code[17])) % 31 == 0


@PROPERTY
@given(uscc_bodies_digit_prefix)
def test_uscc_problem_agrees_with_stdnum_on_digit_prefixed_codes(body):
    for last in USCC_ALPHABET:
        code = body + last
        assert (uscc_problem(code) is None) == uscc.is_valid(code)


@PROPERTY
@given(uscc_texts)
def test_uscc_problem_agrees_with_references_on_any_text(text):
    problem = uscc_problem(text)

    assert problem is None or (isinstance(problem, str) and problem)
    assert (problem is None) == gb32100_valid(text)
    if all(c in DIGITS for c in text[:8]) and uscc.compact(text) == text:
        assert (problem is None) == uscc.is_valid(text)


@PROPERTY
@given(valid_uscc, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_uscc_problem_detects_any_single_character_change(code, position, char):
    assume(code[position] != char)
    changed = code[:position] + char + code[position + 1 :]

    assert uscc_problem(changed) is not None


@pytest.mark.parametrize(
    "body",
    ["Y1450300MA5K12345", "N2450305MA5K0000A", "A1450300000000001", "51450000498504721"],
    ids=["other-authority", "agriculture", "authority-A", "social-org"],
)
def test_uscc_problem_accepts_letter_registration_authority(body):
    # GB 32100 lets 登记管理部门码 and 机构类别码 be letters; python-stdnum rejects these.
    assert uscc_problem(body + gb32100_check(body)) is None


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91110000600037341L", True),  # python-stdnum's documented example
        ("91110000600037341M", False),
        ("9111000060003734lL", False),  # lower-case l
        ("91110000600037341", False),
        ("91110000600037341LL", False),
        ("91110000600O37341L", False),  # letter O is not in the alphabet
        ("9111A000600037341L", False),  # 行政区划码 must be digits
        ("", False),
    ],
)
def test_uscc_problem_examples(code, valid):
    assert (uscc_problem(code) is None) is valid


# --- 居民身份证号码 ---


@PROPERTY
@given(ric_bodies)
def test_ric_check_character_matches_gb11643_and_stdnum(body):
    assert ric_check_character(body) == gb11643_check(body)
    assert ric_check_character(body) == ric.calc_check_digit(body + "0")  # stdnum ignores the last


@PROPERTY
@given(st.text(DIGITS, min_size=6, max_size=6), st.dates(), st.text(DIGITS, min_size=3, max_size=3))
def test_ric_problem_none_and_birth_date_read_for_valid_number(region, born, serial):
    body = f"{region}{born.year:04d}{born.month:02d}{born.day:02d}{serial}"
    number = body + gb11643_check(body)

    assert ric_problem(number) is None
    assert ric_birth_date(number) == born
    assert ric.get_birth_date(number) == born
    # ISO 7064 MOD 11-2 over all 18 characters (X = 10): Σ ai·2^(18-i) ≡ 1 (mod 11)
    values = [10 if c == "X" else int(c) for c in number]
    assert sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


@PROPERTY
@given(st.text(DIGITS, min_size=18, max_size=18))
def test_ric_birth_date_matches_reference_on_any_digits(number):
    assert ric_birth_date(number) == gb11643_birth_date(number)


@PROPERTY
@given(ric_texts)
def test_ric_problem_agrees_with_references_on_any_text(text):
    problem = ric_problem(text)  # must answer, never raise

    assert problem is None or (isinstance(problem, str) and problem)
    assert (problem is None) == gb11643_valid(text)
    if ric.compact(text) == text:
        assert (problem is None) == stdnum_ric_valid(text)


@PROPERTY
@given(valid_ric, st.integers(0, 17), st.sampled_from(DIGITS + "X"))
def test_ric_problem_detects_any_single_character_change(number, position, char):
    assume(number[position] != char)
    changed = number[:position] + char + number[position + 1 :]

    assert ric_problem(changed) is not None


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", False),  # 末位须为大写 X
        ("110105194912310021", False),
        ("110105194902300021", False),  # 1949-02-30
        ("11010519491231002", False),
        ("450302199006151234", True),
    ],
)
def test_ric_problem_examples(number, valid):
    assert (ric_problem(number) is None) is valid


def test_ric_problem_rejects_non_ascii_digits_with_matching_check():
    number = resident_id(date(1990, 6, 15))
    arabic_indic = "".join(chr(0x0660 + int(c)) for c in number[:17]) + number[17]
    full_width = "".join(chr(0xFF10 + int(c)) for c in number[:17]) + number[17]

    assert ric_problem(arabic_indic) is not None
    assert ric_problem(full_width) is not None


@pytest.mark.parametrize("position", [0, 14])
def test_ric_problem_answers_for_superscript_digit(position):
    number = resident_id(date(1990, 6, 15))
    odd = number[:position] + "²" + number[position + 1 :]

    assert ric_problem(odd) == "前17位应为数字，末位应为数字或大写 X"


# --- the engine's identifier findings ---

CREDIT_CODE = ("credit_code", "GB 32100-2015 统一社会信用代码")
ID_NUMBER = ("id_number", "GB 11643-1999 公民身份号码")


def _broken(code: str) -> str:
    """`code` with its check character replaced by another digit: well formed, wrong check."""
    return code[:17] + next(c for c in DIGITS if c != code[17])


def check(data: dict):
    return check_application(Application.model_validate(data), GUIDE)


def test_check_application_invalid_lead_credit_code_is_ineligible():
    result = check(eligible(6, lead__credit_code=_broken(credit_code())))

    assert errors(result) == [CREDIT_CODE]
    assert result.fundable_max == 0


def test_check_application_invalid_partner_credit_code_is_ineligible():
    partner = {**eligible(28)["partners"][0], "credit_code": _broken(credit_code())}

    result = check(eligible(28, partners=[partner]))

    assert errors(result) == [CREDIT_CODE]


def test_check_application_invalid_leader_id_number_is_ineligible():
    result = check(eligible(6, leader__id_number=_broken(resident_id(date(1990, 6, 15)))))

    assert errors(result) == [ID_NUMBER]
    assert result.fundable_max == 0


def test_check_application_invalid_team_member_id_number_is_ineligible():
    member = PersonData(id_number=resident_id(date(1985, 1, 31))[:17] + "Y")

    result = check(eligible(6, team=[PersonData(), member]))

    assert errors(result) == [ID_NUMBER]


def test_check_application_passport_number_not_checked_as_id_number():
    result = check(eligible(6, leader__id_type="passport", leader__id_number="E12345678"))

    assert result.verdict == "eligible"
