"""Reading the Excel sheets people fill in from our templates (the agency list a province
confirms, the officers a DX office imports): one sheet, a fixed header, one row a record.

Cells come back as typed by Excel or by hand: text is cleaned (:func:`cell_text`), days read from
a date cell or dd/mm/yyyy text (:func:`cell_day`). A file that is not a workbook, lacks the sheet,
has another header, no row or too many rows is refused whole, in Vietnamese, before any row is
looked at.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .errors import DomainError
from .text import clean, fold


def cell_text(value: Any) -> str:
    """A cell as clean text; a whole number typed as a float ("12.0") without its decimals."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def cell_day(value: Any) -> dt.date | None:
    """A date cell, or text as dd/mm/yyyy, yyyy-mm-dd or dd-mm-yyyy; None when empty. Raises
    ValueError for anything else (the caller says which row)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    raise ValueError(text)


def sheet_rows(data: bytes, *, sheet: str, headers: list[str], max_rows: int) -> list[tuple[int, list[Any]]]:
    """The non-empty rows of ``sheet`` under a header row equal to ``headers`` (compared without
    case or diacritics), each as (its row number in Excel, its first ``len(headers)`` cells)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(_("Không đọc được tệp Excel (.xlsx)."), code="bad_file") from exc
    if sheet not in book.sheetnames:
        raise DomainError(_("Tệp thiếu trang “%(sheet)s”.") % {"sheet": sheet}, code="bad_file")
    rows = book[sheet].iter_rows(values_only=True)
    header = [cell_text(cell) for cell in next(rows, ())]
    if [fold(cell) for cell in header[: len(headers)]] != [fold(name) for name in headers]:
        raise DomainError(
            _("Dòng tiêu đề của trang “%(sheet)s” phải là: %(headers)s.")
            % {"sheet": sheet, "headers": ", ".join(headers)},
            code="bad_header",
        )
    result = []
    for number, row in enumerate(rows, start=2):
        cells = list(row[: len(headers)]) + [None] * (len(headers) - len(row))
        if all(cell_text(cell) == "" for cell in cells):
            continue
        result.append((number, cells))
        if len(result) > max_rows:
            raise DomainError(_("Tệp có quá %(max)d dòng.") % {"max": max_rows}, code="too_many_rows")
    if not result:
        raise DomainError(_("Trang “%(sheet)s” không có dòng nào.") % {"sheet": sheet}, code="empty")
    return result
