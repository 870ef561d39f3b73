"""Reading filled-in template sheets: cells as people type them, and files refused whole."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from tinhso.core.errors import DomainError
from tinhso.core.sheets import cell_day, cell_text, sheet_rows

HEADERS: list[str] = ["Họ và tên", "Ngày"]


def _book(rows: Sequence[Sequence[object]], sheet: str = "Cán bộ") -> bytes:
    book = Workbook()
    page = book.active
    assert page is not None
    page.title = sheet
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_cells_read_as_people_type_them() -> None:
    assert cell_text(None) == ""
    assert cell_text(12.0) == "12"
    assert cell_text("  Nguyễn   Văn An ") == "Nguyễn Văn An"
    assert cell_day(dt.datetime(2026, 3, 2, 9, 30)) == dt.date(2026, 3, 2)
    assert cell_day("02/03/2026") == dt.date(2026, 3, 2)
    assert cell_day("2026-03-02") == dt.date(2026, 3, 2)
    assert cell_day("") is None
    with pytest.raises(ValueError, match="mùng 2"):
        cell_day("mùng 2")


def test_rows_come_with_their_excel_numbers_and_blank_rows_are_skipped() -> None:
    data = _book([["HỌ VÀ TÊN", "ngay"], ["An", "02/03/2026"], [None, None], ["Bình"]])
    assert sheet_rows(data, sheet="Cán bộ", headers=HEADERS, max_rows=10) == [
        (2, ["An", "02/03/2026"]),
        (4, ["Bình", None]),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not a workbook", "bad_file"),
        (_book([HEADERS, ["An", None]], sheet="Khác"), "bad_file"),
        (_book([["Tên", "Ngày"], ["An", None]]), "bad_header"),
        (_book([HEADERS]), "empty"),
        (_book([HEADERS, ["An"], ["Bình"], ["Chi"]]), "too_many_rows"),
    ],
)
def test_a_file_is_refused_whole_with_a_vietnamese_reason(data: bytes, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        sheet_rows(data, sheet="Cán bộ", headers=HEADERS, max_rows=2)
    assert refused.value.code == code
