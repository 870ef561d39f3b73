"""The shared Word helpers: place names, Vietnamese dates and numbers, the Decree 30 heading."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document

from tinhso.core import documents


def test_place_names_keep_only_the_proper_name() -> None:
    assert documents.place_of("Tỉnh Hưng Yên") == "Hưng Yên"
    assert documents.place_of("Thành phố Hồ Chí Minh") == "Hồ Chí Minh"
    assert documents.place_of("Phường Hiến Nam") == "Hiến Nam"
    assert documents.place_of("Xã") == "Xã"


def test_dates_and_numbers_are_written_the_vietnamese_way() -> None:
    assert documents.vn_date(dt.date(2026, 3, 2)) == "02/03/2026"
    assert documents.vn_date(None) == ""
    assert documents.place_date_line("Hưng Yên", dt.date(2026, 2, 5)) == "Hưng Yên, ngày 05 tháng 02 năm 2026"
    assert documents.place_date_line("Hưng Yên", dt.date(2026, 7, 15)) == "Hưng Yên, ngày 15 tháng 7 năm 2026"
    assert documents.vn_number("17500.500") == "17.500,5"


def test_the_heading_carries_the_issuer_the_motto_the_reference_and_the_place_date() -> None:
    document = documents.new_document()
    issuer = documents.Issuer(parent_name="Ủy ban nhân dân tỉnh Hưng Yên", name="Sở Tư pháp", place="Hưng Yên",
                              collective=False)
    documents.heading(document, issuer, "Số: 12/TB-STP", dt.date(2026, 3, 2))
    buffer = io.BytesIO()
    document.save(buffer)
    table = Document(io.BytesIO(buffer.getvalue())).tables[0]
    left, right = (cell.text.split("\n") for cell in table.rows[0].cells)
    assert left[:2] == ["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "SỞ TƯ PHÁP"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert [cell.text for cell in table.rows[1].cells] == ["Số: 12/TB-STP", "Hưng Yên, ngày 02 tháng 3 năm 2026"]
