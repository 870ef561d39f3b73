"""Numbers, money and years as Vietnamese documents write them.

Vietnamese writes "1.500" for one thousand five hundred and "2,5" for two and a half; Excel on
an English system writes "1500" and "2.5". The rules, in order:

- both separators ("1.234,5" / "1,234.5"): the last one is the decimal mark;
- only dots: groups of exactly three digits ("1.500", "12.345.678") are thousands, a single
  dot otherwise is a decimal point ("2.5");
- only commas: several groups of three ("1,234,567") are thousands, a single comma is the
  decimal mark ("2,5"; so "1,500" is 1.5, as a Vietnamese reader means it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tinhso.core.text import clean, fold

_SPACES_IN_NUMBER = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}\b)")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3}){2,}$")
_DIGITS = re.compile(r"^\d+$")
_MINUS = "-−–"


def parse_number(text: str) -> Decimal | None:
    """A number written the Vietnamese way (or the English way when unambiguous); None if the
    text is not a number at all."""
    raw = _SPACES_IN_NUMBER.sub("", clean(text))
    negative = raw[:1] in _MINUS
    body = raw[1:].strip() if negative or raw[:1] == "+" else raw
    if not body:
        return None
    normalised = _normalise(body)
    if normalised is None:
        return None
    try:
        value = Decimal(normalised)
    except InvalidOperation:
        return None
    return -value if negative else value


def _normalise(body: str) -> str | None:
    if _DIGITS.match(body):
        return body
    if "." in body and "," in body:
        decimal_mark = "," if body.rfind(",") > body.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _, fraction = body.rpartition(decimal_mark)
        if not _DIGITS.match(fraction) or not re.match(rf"^\d{{1,3}}(\{grouping}\d{{3}})*$", whole):
            return None
        return whole.replace(grouping, "") + "." + fraction
    if "." in body:
        if _THOUSANDS_DOT.match(body):
            return body.replace(".", "")
        return body if re.match(r"^\d+\.\d+$", body) else None
    if "," in body:
        if _THOUSANDS_COMMA.match(body):
            return body.replace(",", "")
        return body.replace(",", ".") if re.match(r"^\d+,\d+$", body) else None
    return None


# --- money -----------------------------------------------------------------------------------

# Multipliers to million VND, keyed by the folded unit as tables and cells write it.
_MONEY_UNITS: tuple[tuple[re.Pattern[str], Decimal], ...] = (
    (re.compile(r"\b(ty|ti)( dong| vnd)?\b"), Decimal(1000)),
    (re.compile(r"\b(trieu( dong| vnd)?|tr\.? ?d|trd)\b"), Decimal(1)),
    (re.compile(r"\b(nghin|ngan)( dong| vnd)?\b"), Decimal("0.001")),
    (re.compile(r"\b(dong|vnd|vnđ)\b"), Decimal("0.000001")),
)
_LEADING_NUMBER = re.compile(r"^\s*([-−–+]?\s*[\d][\d.,\s\u00a0]*)(.*)$", re.DOTALL)
_EMPTY_MARKS = {"", "-", "–", "—", "x", "0-", "/"}


def money_scale(text: str) -> Decimal | None:
    """The multiplier to million VND named in a header or caption ("Kinh phí (tỷ đồng)" → 1000);
    None when the text names no money unit."""
    folded = fold(text)
    for pattern, scale in _MONEY_UNITS:
        if pattern.search(folded):
            return scale
    return None


@dataclass(frozen=True)
class Amount:
    """A budget cell read: ``value`` in the unit of ``scale`` (None for an empty cell), the scale
    named in the cell itself if any, and ``note`` when the cell is a known non-numeric phrase."""

    value: Decimal | None
    cell_scale: Decimal | None = None
    note: str = ""
    invalid: bool = False


# Phrases Vietnamese plans put in a budget cell instead of a number: not an error, but not an
# amount either. Kept as the task's budget note.
_BUDGET_PHRASES = re.compile(
    r"^(long ghep|theo (du an|ke hoach|de an|nhiem vu)|kinh phi (thuong xuyen|su nghiep)|xa hoi hoa|"
    r"ngan sach|von |nguon |khong (phat sinh|co)|da bo tri|tu (can doi|chu)|doanh nghiep|"
    r"su dung|trong (du toan|kinh phi)|dam bao|bo tri)"
)


def parse_amount(text: str) -> Amount:
    """Read a budget cell: "1.500", "2,5", "3 tỷ đồng", "Lồng ghép", "" or "-"."""
    cell = clean(text)
    if fold(cell) in _EMPTY_MARKS:
        return Amount(None)
    match = _LEADING_NUMBER.match(cell)
    if match:
        number = parse_number(match.group(1))
        rest = clean(match.group(2))
        if number is not None and (not rest or money_scale(rest) is not None or rest.startswith("(")):
            return Amount(number, money_scale(rest) if rest else None)
    if _BUDGET_PHRASES.match(fold(cell)):
        return Amount(None, note=cell)
    return Amount(None, invalid=True)


# --- years -----------------------------------------------------------------------------------

_YEAR = r"(?:19|20)\d{2}"
_RANGE = re.compile(rf"({_YEAR})\s*(?:-|–|—|đến|den|tới|toi|\.\.\.)\s*(?:năm\s+|nam\s+)?({_YEAR})")
_ANY_YEAR = re.compile(rf"(?<!\d)({_YEAR})(?!\d)")
_PHASE = re.compile(rf"(?<!\d)({_YEAR})\s*[-–—]\s*({_YEAR})(?!\d)")
_RECURRING = re.compile(r"\b(hang|hang) nam\b|\bthuong xuyen\b|\bdinh ky\b")


def phase_of(text: str) -> str | None:
    """ "giai đoạn 2021 – 2025" → "2021-2025"."""
    match = _PHASE.search(text)
    return f"{match.group(1)}-{match.group(2)}" if match else None


@dataclass(frozen=True)
class Timeline:
    start: int | None
    end: int | None
    recurring: bool
    understood: bool


def parse_timeline(text: str) -> Timeline:
    """ "2022-2025", "Năm 2023", "Quý IV/2022", "Từ năm 2023", "Đến 2025", "Hằng năm"."""
    folded = fold(text)
    recurring = bool(_RECURRING.search(folded))
    if not folded:
        return Timeline(None, None, recurring=False, understood=True)
    found = _RANGE.search(folded)
    if found:
        start, end = int(found.group(1)), int(found.group(2))
        return Timeline(start, end, recurring, understood=start <= end)
    years = [int(year) for year in _ANY_YEAR.findall(folded)]
    if not years:
        return Timeline(None, None, recurring, understood=recurring)
    if len(years) == 1:
        year = years[0]
        if re.search(rf"\b(tu|bat dau)( nam)? {year}\b", folded):
            return Timeline(year, None, recurring, understood=True)
        if re.search(rf"\b(den|truoc|cham nhat)( het)?( nam)? {year}\b", folded):
            return Timeline(None, year, recurring, understood=True)
        return Timeline(year, year, recurring, understood=True)
    return Timeline(min(years), max(years), recurring, understood=True)


def tidy_decimal(value: Decimal) -> Decimal:
    """2500.000 → 2500, 2.50 → 2.5: the same number, written the shortest way."""
    if value == value.to_integral_value() and abs(value) < LARGEST:
        return value.quantize(Decimal(1))
    return value.normalize()


# Nothing a scheme states comes near this (10^12 million VND); larger is a typing error, and
# would not fit the database columns.
LARGEST = Decimal(10) ** 12
