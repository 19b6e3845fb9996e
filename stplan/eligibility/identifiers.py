"""Check digits of the two national identifiers an application carries.

统一社会信用代码 follows GB 32100-2015 (ISO 7064 MOD 31-3 over a 31-character alphabet);
居民身份证号码 follows GB 11643-1999 (ISO 7064 MOD 11-2, birth date in digits 7-14).
Written here rather than taken from a library because python-stdnum rejects codes whose
registering-authority character is a letter (e.g. `Y` 其他), which GB 32100 allows; the
tests hold both against independent implementations.
"""

from datetime import date
from operator import mul

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_CHARACTERS = frozenset(USCC_ALPHABET)
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"


def uscc_check_character(first17: str) -> str:
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why `code` is not a valid 统一社会信用代码, in Chinese; None when it is."""
    if len(code) != 18:
        return f"应为18位，现为{len(code)}位"
    if not _USCC_CHARACTERS.issuperset(code):
        return "含有不允许的字符（只允许数字和除 I、O、Z、S、V 以外的大写字母）"
    if not code[2:8].isdigit():
        return "第3至8位登记管理机关行政区划码应为数字"
    if uscc_check_character(code[:17]) != code[17]:
        return "校验码错误"
    return None


def ric_check_character(first17: str) -> str:
    total = sum(map(mul, map(int, first17), _RIC_WEIGHTS))
    return _RIC_CHECK[total % 11]


def ric_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def ric_problem(number: str) -> str | None:
    """Why `number` is not a valid 居民身份证号码, in Chinese; None when it is."""
    if len(number) != 18:
        return f"应为18位，现为{len(number)}位"
    # str.isdigit() admits full-width and other scripts' digits; the standard allows ASCII only.
    if not (number.isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        return "前17位应为数字，末位应为数字或大写 X"
    if ric_birth_date(number) is None:
        return "出生日期码不是有效日期"
    if ric_check_character(number[:17]) != number[17]:
        return "校验码错误"
    return None
