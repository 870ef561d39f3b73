"""What a valid number, date, moment, personal id, phone number and text are: one place, read
by the page forms (the e-form of the citizen and of the desk), the services and the API alike.

Each check returns the value in its stored form or raises :class:`InvalidValue` with a code and
a Vietnamese message naming the field by its label (``%(label)s``), so each caller words the
refusal its own way (a form error, a :class:`~tinhso.core.errors.DomainError`, a REST framework
validation error) from the same rule.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from .dates import DAY_INPUT

# Dates people give (a birth date, a deadline, a day of data): real calendar days in a range a
# person or an office can mean. Year 9999 is not a date anyone means, and a day past it cannot
# be computed (a deadline one working day later overflows).
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# Numbers typed into an e-form: finite, at most 15 digits before the point and 4 after (what a
# person types and a spreadsheet keeps exactly), not negative unless the field says so.
NUMBER_INTEGER_DIGITS = 15
NUMBER_DECIMAL_PLACES = 4
NUMBER_MIN = Decimal(0)
NUMBER_MAX = Decimal(10) ** NUMBER_INTEGER_DIGITS - 1
# JSON numbers or strings of a number: digits with an optional sign, point and exponent.
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$", re.ASCII)
PERSONAL_ID_LENGTH = 12  # số định danh cá nhân (căn cước)
PERSONAL_ID_PATTERN = r"^[0-9]{12}$"
PHONE_PATTERN = r"^0[0-9]{9}$"
_PERSONAL_ID = re.compile(PERSONAL_ID_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)
_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DAY_FIRST_TEXT = re.compile(r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$")  # as people type it on a page
# The years of DATE_MIN … DATE_MAX, for the OpenAPI schema (with "format": "date" for the day).
DATE_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
# Characters that change the direction text is shown in: an override or isolate can make a
# name or a reason read differently on screen from what is stored ("Trojan Source").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\t\n\r")
# The characters :func:`text_value` refuses in multiline text, as a regular expression that
# JSON Schema and Python read alike (the OpenAPI schema states it as the fields' pattern).
TEXT_PATTERN = (
    r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f"
    r"\u202a-\u202e\u2066-\u2069]*$"
)


class InvalidValue(ValueError):
    """A value that breaks a rule: ``code`` for machines, ``message`` (with ``%(label)s``) for people."""

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

    def sentence(self, label: Any) -> str:
        text = str(self.message) % {"label": label}
        return text[:1].upper() + text[1:]


def text_value(value: Any, *, max_length: int | None = None, multiline: bool = False) -> str:
    """Text as stored: a string (not a number, list or object), NFC, trimmed. Refused: NUL and
    other control characters (line breaks only in ``multiline`` text), bidirectional overrides,
    and text that is empty once invisible characters (zero-width spaces, joiners…) are set aside;
    an empty string is returned as it is, for the caller to say whether it is required."""
    if not isinstance(value, str):
        raise InvalidValue("not_text", _("%(label)s phải là một chuỗi ký tự."))
    # Checked before trimming: Python's strip() takes some control characters (U+001C–U+001F)
    # for white space.
    text = unicodedata.normalize("NFC", value)
    if "\x00" in text:
        raise InvalidValue("nul_character", _("%(label)s không được chứa ký tự NUL."))
    for char in text:
        if char in BIDI_CONTROLS:
            raise InvalidValue(
                "bidi_control",
                _("%(label)s chứa ký tự điều khiển hướng chữ (U+%(code)04X), không được chấp nhận.")
                % {"code": ord(char), "label": "%(label)s"},
            )
        category = unicodedata.category(char)
        if (category == "Cc" and not (multiline and char in _LINE_BREAKS)) or category == "Cs":
            raise InvalidValue(
                "control_character",
                _("%(label)s chứa ký tự điều khiển (U+%(code)04X), không được chấp nhận.")
                % {"code": ord(char), "label": "%(label)s"},
            )
    text = text.strip()
    if text and not any(unicodedata.category(char)[0] not in "CZ" for char in text):
        raise InvalidValue("blank", _("%(label)s không được để trống (chỉ có ký tự không nhìn thấy)."))
    if max_length is not None and len(text) > max_length:
        raise InvalidValue("max_length", _("%(label)s dài quá %(n)s ký tự.") % {"n": max_length, "label": "%(label)s"})
    return text


def number_value(
    value: Any, *, min_value: Decimal | int | None = NUMBER_MIN, max_value: Decimal | int | None = NUMBER_MAX
) -> Decimal:
    """A finite decimal number, from a JSON number or its text ("58,5" as typed in Vietnam), with
    at most 15 digits before the point and 4 after, within ``[min_value, max_value]``."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InvalidValue("not_number", _("%(label)s phải là một số."))
    text = str(value).strip()
    if not _NUMBER_TEXT.fullmatch(text):
        raise InvalidValue("not_number", _("%(label)s phải là một số."))
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise InvalidValue("not_number", _("%(label)s phải là một số.")) from None
    if not number.is_finite():
        raise InvalidValue("not_number", _("%(label)s phải là một số."))
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    integer_digits = max(len(digits) + exponent, 0)
    decimals = max(-exponent, 0)
    if integer_digits > NUMBER_INTEGER_DIGITS or (
        decimals > NUMBER_DECIMAL_PLACES and number != number.quantize(Decimal(1).scaleb(-NUMBER_DECIMAL_PLACES))
    ):
        raise InvalidValue(
            "too_many_digits",
            _("%(label)s có quá nhiều chữ số (tối đa %(int)s chữ số phần nguyên và %(dec)s chữ số thập phân).")
            % {"int": NUMBER_INTEGER_DIGITS, "dec": NUMBER_DECIMAL_PLACES, "label": "%(label)s"},
        )
    if min_value is not None and number < Decimal(min_value):
        raise InvalidValue(
            "min_value", _("%(label)s không được nhỏ hơn %(n)s.") % {"n": min_value, "label": "%(label)s"}
        )
    if max_value is not None and number > Decimal(max_value):
        raise InvalidValue(
            "max_value", _("%(label)s không được lớn hơn %(n)s.") % {"n": max_value, "label": "%(label)s"}
        )
    return number.normalize() if decimals else number


def date_range_check(day: dt.date) -> dt.date:
    if not DATE_MIN <= day <= DATE_MAX:
        raise InvalidValue(
            "date_out_of_range",
            _("%(label)s phải trong khoảng từ năm %(first)s đến năm %(last)s.")
            % {"first": DATE_MIN.year, "last": DATE_MAX.year, "label": "%(label)s"},
        )
    return day


def date_value(value: Any, *, typed: bool = False) -> dt.date:
    """A calendar day between 1900 and 2100, written YYYY-MM-DD (a string, never a number); with
    ``typed`` (what people type on a page, also accepted where the API takes the same form) also
    dd/mm/yyyy."""
    if typed:
        not_date = InvalidValue(
            "not_date",
            _("%(label)s phải là ngày hợp lệ, dạng ngày/tháng/năm (31/12/2026) hoặc năm-tháng-ngày (2026-12-31)."),
        )
    else:
        not_date = InvalidValue("not_date", _("%(label)s phải là ngày hợp lệ (năm-tháng-ngày)."))
    if isinstance(value, dt.datetime):
        raise not_date
    if isinstance(value, dt.date):
        return date_range_check(value)
    text = value.strip() if isinstance(value, str) else ""
    try:
        if _DATE_TEXT.fullmatch(text):
            day = dt.date.fromisoformat(text)
        elif typed and _DAY_FIRST_TEXT.fullmatch(text):
            day = dt.datetime.strptime(text, DAY_INPUT).date()  # noqa: DTZ007 - a calendar day, no time
        else:
            raise ValueError(text)
    except ValueError:
        raise not_date from None
    return date_range_check(day)


def moment_value(value: dt.datetime) -> dt.datetime:
    """An instant (with its time zone) whose day lies in the range of :func:`date_value`."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue("naive_datetime", _("%(label)s phải kèm múi giờ, ví dụ 2026-03-20T16:00:00+07:00."))
    date_range_check(value.date())
    return value


def personal_id_value(value: Any) -> str:
    """Số định danh cá nhân: exactly 12 digits 0-9 (full-width or other scripts' digits refused)."""
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _PERSONAL_ID.fullmatch(text):
        raise InvalidValue("invalid_personal_id", _("%(label)s phải là số định danh cá nhân gồm 12 chữ số."))
    return text


def phone_value(value: Any) -> str:
    """A Vietnamese phone number: 10 digits 0-9 starting with 0."""
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _PHONE.fullmatch(text):
        raise InvalidValue("invalid_phone", _("%(label)s phải là số điện thoại gồm 10 chữ số, bắt đầu bằng 0."))
    return text
