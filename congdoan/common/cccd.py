"""Citizen identity numbers (CCCD / số định danh cá nhân): checking, restoring, masking.

Twelve digits: 1–3 the province where the birth was registered (pre-2025 codes), 4 gender
and century of birth, 5–6 the last two digits of the year of birth, 7–12 random
(shared/DOMAIN.md). The province codes are data, kept in one table below.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Pre-2025 province codes used in digits 1–3 (they did not change with the 2025 merger).
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hoà Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hoá",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hoà",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa – Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

MALE, FEMALE = "male", "female"
FIRST_YEAR, LAST_YEAR = 1900, 2399  # digit 4 covers five centuries: 0/1 … 8/9
_WHOLE_WITH_ZEROS = re.compile(r"\d+\.0+")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
_SEPARATORS = re.compile(r"[\s.\-'’]+")


@dataclass(frozen=True)
class CccdProblem:
    """One reason a number is wrong; ``code`` is stable, ``message`` in the active language."""

    code: str
    message: str


def restore(value: object) -> str:
    """The 12-digit text of ``value`` as typed or as a spreadsheet stored it.

    Spreadsheets keep identity numbers as numbers and drop the leading zeros (every province
    code starts with 0), sometimes with a trailing ``.0`` or in scientific notation; 10- and
    11-digit results are padded back to 12. Anything else is returned cleaned but unchanged,
    so the checker can say what is wrong with it.
    """
    if value is None:
        return ""
    if type(value) is str and len(value) == 12 and value.isdigit() and value.isascii():
        return value  # already in shape (a second pass over a checked value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and value >= 0 else repr(value)
    else:
        text = str(value).strip()
        if _WHOLE_WITH_ZEROS.fullmatch(text):
            text = text.split(".", 1)[0]
        elif _SCIENTIFIC.fullmatch(text):
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
            if number is not None and number == number.to_integral_value():
                text = str(int(number))
        text = _SEPARATORS.sub("", text)
    if text.isdigit() and 10 <= len(text) < 12:
        text = text.zfill(12)
    return text


def century_digit(gender: str, year: int) -> int:
    """Digit 4 for a person of ``gender`` born in ``year`` (0 male / 1 female for 1900–1999…)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} outside {FIRST_YEAR}–{LAST_YEAR}")
    return (year - 1900) // 100 * 2 + (1 if gender == FEMALE else 0)


def decode(number: str) -> tuple[str, int, int] | None:
    """(gender, first year of the century, two-digit year) read from a well-formed number."""
    if not re.fullmatch(r"\d{12}", number or ""):
        return None
    digit = int(number[3])
    gender = FEMALE if digit % 2 else MALE
    return gender, 1900 + digit // 2 * 100, int(number[4:6])


def birth_year(number: str) -> int | None:
    decoded = decode(number)
    return decoded[1] + decoded[2] if decoded else None


def problems(number: str, gender: str | None = None, year: int | None = None) -> list[CccdProblem]:
    """Everything wrong with ``number`` (already restored) for a person of ``gender`` born ``year``.

    ``gender`` and ``year`` are optional: what is unknown is not compared.
    """
    if not number:
        return [CccdProblem("required", _("Enter the 12-digit citizen identity number."))]
    if not number.isdigit():
        return [CccdProblem("digits", _("A citizen identity number has digits only."))]
    if len(number) == 9:
        return [
            CccdProblem(
                "old_id",
                _(
                    "This is a 9-digit old identity card number; enter the 12-digit citizen identity number."
                ),
            )
        ]
    if len(number) != 12:
        return [
            CccdProblem(
                "length",
                _("A citizen identity number has 12 digits (this one has %(n)d).")
                % {"n": len(number)},
            )
        ]
    found: list[CccdProblem] = []
    if number[:3] not in PROVINCE_CODES:
        found.append(
            CccdProblem(
                "province",
                _("The first three digits (%(code)s) are not a province code.")
                % {"code": number[:3]},
            )
        )
    digit = int(number[3])
    if gender in (MALE, FEMALE) and (digit % 2 == 1) != (gender == FEMALE):
        found.append(
            CccdProblem(
                "gender",
                _(
                    "The fourth digit (%(digit)d) is for a %(theirs)s, but the member is recorded as %(ours)s."
                )
                % {
                    "digit": digit,
                    "theirs": _("woman") if digit % 2 else _("man"),
                    "ours": _("a woman") if gender == FEMALE else _("a man"),
                },
            )
        )
    if year is not None:
        if FIRST_YEAR <= year <= LAST_YEAR and digit // 2 != (year - 1900) // 100:
            found.append(
                CccdProblem(
                    "century",
                    _(
                        "The fourth digit (%(digit)d) says born in %(start)d–%(end)d, but the date of birth is in %(year)d."
                    )
                    % {
                        "digit": digit,
                        "start": 1900 + digit // 2 * 100,
                        "end": 1999 + digit // 2 * 100,
                        "year": year,
                    },
                )
            )
        if number[4:6] != f"{year % 100:02d}":
            found.append(
                CccdProblem(
                    "year",
                    _(
                        "The fifth and sixth digits (%(digits)s) should be the last two digits of the year of birth (%(year)02d)."
                    )
                    % {"digits": number[4:6], "year": year % 100},
                )
            )
    return found


@functools.lru_cache(maxsize=8192)
def is_valid(number: str, gender: str | None = None, year: int | None = None) -> bool:
    """No ``problems``; remembered for the last numbers asked (an import checks each member's
    number, then scores the member's completeness with the same question)."""
    return not problems(number, gender, year)


def mask(number: str | None) -> str:
    """``022*******45``: the province code and the last two digits, the rest hidden."""
    if not number:
        return ""
    if len(number) <= 5:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def make(province: str, gender: str, year: int, serial: int) -> str:
    """A well-formed number (demo data, tests): ``serial`` fills digits 7–12."""
    return f"{province}{century_digit(gender, year)}{year % 100:02d}{serial % 10**6:06d}"
