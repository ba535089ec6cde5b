"""Column parsers for Vietnamese spreadsheet formats.

A parser takes one non-empty cell value (str, int, float, bool, date or datetime, as the readers
give them) and returns the Python value to store, or raises `ParseError` with a message for the
user. Parsers are plain functions (or small factories returning one) so schemas can combine them.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from danvan.core.search import normalize

Parser = Callable[[Any], Any]


class ParseError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Excel's day 0 is 30/12/1899 (it counts the non-existent 29/02/1900, so serials from 61 on land
# right with this epoch; nobody imports dates from early 1900).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 31/12/9999

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_DOT_DECIMAL = re.compile(r"^\d{1,3}(\.\d{3})+,\d+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_DECIMAL_DOT = re.compile(r"^\d+\.\d+$")


def text(value: Any) -> str:
    """Free text: NFC-normalised, inner runs of spaces collapsed; numbers keep their digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, (date, datetime)):
        value = value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def text_max(max_length: int) -> Parser:
    def parse(value: Any) -> str:
        result = text(value)
        if len(result) > max_length:
            raise ParseError(
                _("At most %(limit)s characters (this has %(count)s).")
                % {"limit": max_length, "count": len(result)}
            )
        return result

    return parse


def _vn_decimal(raw: str) -> Decimal:
    """'1.234.567' -> 1234567, '120,5' -> 120.5, '1.234,5' -> 1234.5, '1200' -> 1200.

    The Vietnamese convention is a dot for thousands and a comma for decimals. A single dot that
    is not a thousands group ('1.5') is read as a decimal point, as spreadsheets exported with
    English settings write it.
    """
    number = _SPACES.sub("", raw)
    if _PLAIN.match(number):
        return Decimal(number)
    if _THOUSANDS_DOT.match(number):
        return Decimal(number.replace(".", ""))
    if _THOUSANDS_DOT_DECIMAL.match(number):
        return Decimal(number.replace(".", "").replace(",", "."))
    if _DECIMAL_COMMA.match(number):
        return Decimal(number.replace(",", "."))
    if _DECIMAL_DOT.match(number):
        return Decimal(number)
    raise ParseError(_("“%(value)s” is not a number (write 1.234.567 or 120,5).") % {"value": raw})


def _number_cell(value: Any) -> Decimal | None:
    """Decimal from a numeric cell; None when the cell holds text."""
    if isinstance(value, bool):
        raise ParseError(_("Expected a number, not a yes/no value."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest text that round-trips, so 0.1 stays 0.1 and not 0.1000000000000000055.
        return Decimal(repr(value))
    if isinstance(value, (date, datetime)):
        raise ParseError(_("Expected a number, not a date."))
    return None


_MONEY_UNITS = (
    ("ty", Decimal(10) ** 9),
    ("trieu", Decimal(10) ** 6),
    ("tr", Decimal(10) ** 6),
    ("nghin", Decimal(10) ** 3),
    ("ngan", Decimal(10) ** 3),
    ("k", Decimal(10) ** 3),
)
_MONEY_SUFFIXES = ("vnd", "dong", "d")


def _strip_accents(raw: str) -> str:
    """Lower-case, without diacritics, punctuation kept (unlike search.normalize)."""
    decomposed = unicodedata.normalize("NFKD", raw.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


_MONEY_TEXT = re.compile(r"^(-?)\s*([\d.,\s\u00a0]+?)\s*([a-z ]*)$")


def money(value: Any, *, allow_negative: bool = False) -> int:
    """Whole đồng: '1.234.567', '1.234.567 đ', '1,2 tỷ', '450 triệu', numeric cells."""
    amount = _number_cell(value)
    if amount is None:
        raw = str(value).strip()
        match = _MONEY_TEXT.match(_strip_accents(raw.replace("₫", "đ")))
        if not match:
            raise ParseError(
                _("“%(value)s” is not an amount of money (write 1.234.567 đ or 1,2 tỷ).")
                % {"value": raw}
            )
        sign, digits, unit_text = match.groups()
        unit_words = normalize(unit_text).split()
        multiplier = Decimal(1)
        if unit_words and unit_words[-1] in _MONEY_SUFFIXES:
            unit_words.pop()
        if unit_words:
            units = dict(_MONEY_UNITS)
            if len(unit_words) != 1 or unit_words[0] not in units:
                raise ParseError(
                    _("“%(value)s” has a unit we do not know (use đ, nghìn, triệu or tỷ).")
                    % {"value": raw}
                )
            multiplier = units[unit_words[0]]
        amount = _vn_decimal(digits) * multiplier
        if sign:
            amount = -amount
    if amount != amount.to_integral_value():
        raise ParseError(
            _("Amounts are in whole đồng; %(value)s has a fraction of a đồng.") % {"value": value}
        )
    if amount < 0 and not allow_negative:
        raise ParseError(_("The amount cannot be negative."))
    return int(amount)


def money_signed(value: Any) -> int:
    return money(value, allow_negative=True)


_AREA_TEXT = re.compile(r"^([\d.,\s\u00a0]+?)\s*(m2|m²|m 2|ha|km2|km²)?$")
_AREA_UNITS = {
    None: Decimal(1),
    "m2": Decimal(1),
    "m²": Decimal(1),
    "m 2": Decimal(1),
    "ha": Decimal(10000),
    "km2": Decimal(10) ** 6,
    "km²": Decimal(10) ** 6,
}


def area(value: Any) -> Decimal:
    """Square metres: '120,5 m2', '120,5 m²', '1.200', '0,5 ha', numeric cells."""
    amount = _number_cell(value)
    if amount is None:
        raw = str(value).strip()
        match = _AREA_TEXT.match(raw.lower())
        if not match:
            raise ParseError(
                _("“%(value)s” is not an area (write 120,5 m² or 0,5 ha).") % {"value": raw}
            )
        amount = _vn_decimal(match.group(1)) * _AREA_UNITS[match.group(2)]
    if amount < 0:
        raise ParseError(_("The area cannot be negative."))
    return amount.normalize() if amount == amount.to_integral_value() else amount


_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def date_value(value: Any) -> date:
    """dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, Excel date cells and Excel serial numbers."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ParseError(_("Expected a date (dd/mm/yyyy)."))
    if isinstance(value, (int, float)):
        if not 1 <= value <= _EXCEL_MAX_SERIAL:
            raise ParseError(_("%(value)s is not a date (write dd/mm/yyyy).") % {"value": value})
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raw = str(value).strip()
    match = _DATE_TEXT.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.match(raw)
        if not match:
            if _PLAIN.match(raw):
                return date_value(int(raw))
            raise ParseError(_("“%(value)s” is not a date (write dd/mm/yyyy).") % {"value": raw})
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ParseError(_("%(value)s is not a valid date.") % {"value": raw}) from exc


def integer(value: Any, *, min_value: int | None = 0, max_value: int | None = None) -> int:
    """Whole numbers with dot thousands: '1.234' -> 1234; numeric cells."""
    number = _number_cell(value)
    if number is None:
        raw = _SPACES.sub("", str(value))
        if _PLAIN.match(raw) or (raw.startswith("-") and _PLAIN.match(raw[1:])):
            number = Decimal(raw)
        elif _THOUSANDS_DOT.match(raw):
            number = Decimal(raw.replace(".", ""))
        else:
            raise ParseError(_("“%(value)s” is not a whole number.") % {"value": value})
    if number != number.to_integral_value():
        raise ParseError(_("“%(value)s” is not a whole number.") % {"value": value})
    result = int(number)
    if min_value is not None and result < min_value:
        raise ParseError(_("The number must be at least %(min)s.") % {"min": min_value})
    if max_value is not None and result > max_value:
        raise ParseError(_("The number must be at most %(max)s.") % {"max": max_value})
    return result


def non_negative_integer(value: Any) -> int:
    return integer(value, min_value=0, max_value=2_147_483_647)


def non_negative_decimal(value: Any) -> Decimal:
    """Measured quantities with Vietnamese separators: '3,5', '1.234,5', '1.234'; numeric cells."""
    number = _number_cell(value)
    if number is None:
        number = _vn_decimal(str(value).strip())
    if number < 0:
        raise ParseError(_("The number cannot be negative."))
    return number


def cccd(value: Any) -> str:
    """Citizen ID (căn cước): exactly 12 digits, leading zeros kept."""
    if isinstance(value, bool):
        raise ParseError(_("An ID number has exactly 12 digits."))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise ParseError(_("An ID number has exactly 12 digits."))
        digits = str(int(value))
        # Typed into a number cell, "001203004567" becomes 1203004567: Excel drops the leading
        # zeros. ID numbers start with a 3-digit province code from 001 to 096, so a number cell
        # with 9 to 11 digits is an ID that lost its zeros; shorter numbers are not IDs at all.
        if 9 <= len(digits) <= 11:
            digits = digits.zfill(12)
    else:
        digits = _SPACES.sub("", str(value)).replace(".", "").replace("-", "")
    if len(digits) != 12 or not digits.isdigit():
        raise ParseError(_("An ID number has exactly 12 digits."))
    return digits


_PHONE_STRIP = re.compile(r"[\s.\-()\u00a0]")


def phone(value: Any) -> str:
    """Vietnamese phone number as 0xxxxxxxxx; accepts +84, spaces, dots and number cells."""
    if isinstance(value, bool):
        raise ParseError(_("This is not a phone number."))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise ParseError(_("This is not a phone number."))
        digits = str(int(value))
        # A number cell loses the leading 0 of "0912345678".
        if len(digits) in {9, 10} and not digits.startswith("84"):
            digits = "0" + digits
    else:
        digits = _PHONE_STRIP.sub("", str(value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in {11, 12}:
        digits = "0" + digits[2:]
    if not (digits.isdigit() and digits.startswith("0") and 10 <= len(digits) <= 11):
        raise ParseError(
            _("“%(value)s” is not a phone number (10 digits starting with 0).") % {"value": value}
        )
    return digits


def email(value: Any) -> str:
    address = str(value).strip()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ParseError(_("“%(value)s” is not an email address.") % {"value": address}) from exc
    local, _at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


_YES = {"co", "c", "x", "yes", "y", "true", "1", "dung", "d"}
_NO = {"khong", "k", "no", "n", "false", "0", "sai", "s"}


def yes_no(value: Any) -> bool:
    """có/không, x, yes/no, 1/0 and checkbox cells."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = normalize(str(value))
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ParseError(_("Write “có” or “không”."))


def choice(options: Iterable[tuple[str, Any]]) -> Parser:
    """A value from a fixed list, given by its code or its label, accents and case ignored.

    Labels are matched in Vietnamese and in English whatever the active language, so a sheet
    filled in by one user is read the same for another.
    """
    options = list(options)
    lookup: dict[str, str] = {}

    def build() -> None:
        for code, label in options:
            lookup[normalize(code)] = code
            for language in ("vi", "en"):
                with translation.override(language):
                    lookup.setdefault(normalize(str(label)), code)

    def parse(value: Any) -> str:
        if not lookup:
            build()
        found = lookup.get(normalize(text(value)))
        if found is None:
            allowed = ", ".join(str(label) for _code, label in options)
            raise ParseError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": allowed}
            )
        return found

    return parse


__all__ = [
    "ParseError",
    "Parser",
    "area",
    "cccd",
    "choice",
    "date_value",
    "email",
    "integer",
    "money",
    "money_signed",
    "non_negative_decimal",
    "non_negative_integer",
    "phone",
    "text",
    "text_max",
    "yes_no",
]
