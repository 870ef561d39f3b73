"""Word files: merged cells, tables split across pages, two-row headers, targets in paragraphs."""

from __future__ import annotations

from decimal import Decimal

from docx.document import Document as DocxDocument

from tinhso.programme.importing import Budget, ParseResult, parse_docx

from .conftest import add_table, appendix_rows, docx_bytes, new_document

APPENDIX_01 = "PHỤ LỤC 01: DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021-2025"
LEAD = 4  # "Đơn vị chủ trì" in the seed's appendix tables


def _appendix_01(thai_binh_text: str) -> tuple[list[str], list[list[str]]]:
    return appendix_rows(thai_binh_text, APPENDIX_01, "PHỤ LỤC 02")


def test_merged_lead_cells_and_a_table_split_with_its_header_repeated(
    thai_binh_text: str, thai_binh: ParseResult
) -> None:
    header, rows = _appendix_01(thai_binh_text)
    document = new_document()
    document.add_paragraph(APPENDIX_01)
    add_table(document, header, rows[:10], merge_down=[LEAD])  # CQS2–CQS5 share "Sở Thông tin và Truyền thông"
    document.add_paragraph("")
    add_table(document, header, rows[10:], merge_down=[LEAD])
    result = parse_docx(docx_bytes(document))
    expected = tuple(task for task in thai_binh.tasks if task.appendix == "01")
    assert result.tasks == expected
    assert len(result.tasks) == 19
    assert (result.rejections, result.warnings) == ((), ())
    assert result.tasks[0].source == "Phụ lục 01, bảng 1, hàng 2"


def test_a_table_continued_without_its_header(thai_binh_text: str, thai_binh: ParseResult) -> None:
    header, rows = _appendix_01(thai_binh_text)
    document = new_document()
    document.add_paragraph(APPENDIX_01)
    add_table(document, header, rows[:7])
    document.add_paragraph("(tiếp theo)")
    add_table(document, header, rows[7:], with_header=False)
    result = parse_docx(docx_bytes(document))
    assert result.tasks == tuple(task for task in thai_binh.tasks if task.appendix == "01")


def _budget_document() -> DocxDocument:
    """TT | Tên nhiệm vụ | Nội dung | Đơn vị chủ trì | Kinh phí (2021-2025 | 2026-2030) | Nguồn vốn,
    the header over two rows; task 1 over two rows (its code cell merged); one budget cell
    shared by tasks 2 and 3."""
    document = new_document()
    document.add_paragraph("PHỤ LỤC II. DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021-2030")
    table = document.add_table(rows=6, cols=7)
    top = ["TT", "Tên nhiệm vụ", "Nội dung", "Đơn vị chủ trì", "Kinh phí (triệu đồng)", "", "Nguồn vốn"]
    for column, title in enumerate(top):
        table.cell(0, column).text = title
    table.cell(1, 4).text, table.cell(1, 5).text = "2021-2025", "2026-2030"
    for column in (0, 1, 2, 3, 6):
        table.cell(0, column).merge(table.cell(1, column))
    table.cell(0, 4).merge(table.cell(0, 5))
    data = [
        ["1", "Trung tâm dữ liệu", "- Khảo sát", "Sở TT&TT", "1.500", "2,5", "NSĐP"],
        ["", "", "- Đầu tư thiết bị", "", "", "", ""],
        ["2", "Số hóa hồ sơ", "Số hóa", "Sở Nội vụ", "800", "", "NSĐP"],
        ["3", "Kho dữ liệu", "Lưu trữ", "Sở Nội vụ", "", "", ""],
    ]
    for index, row in enumerate(data, start=2):
        for column, value in enumerate(row):
            if value:
                table.cell(index, column).text = value
    for column in (0, 1, 3, 4, 5, 6):  # task 1 spans rows 2-3
        table.cell(2, column).merge(table.cell(3, column))
    table.cell(4, 4).merge(table.cell(5, 4))  # one budget for tasks 2 and 3
    table.cell(4, 6).merge(table.cell(5, 6))
    return document


def test_two_row_header_merged_task_rows_and_a_shared_budget() -> None:
    result = parse_docx(docx_bytes(_budget_document()))
    first, second, third = result.tasks
    assert (first.code, first.content_items, first.lead_agency) == ("1", ("Khảo sát", "Đầu tư thiết bị"), "Sở TT&TT")
    assert first.budgets == (Budget("2021-2025", Decimal(1500)), Budget("2026-2030", Decimal("2.5")))
    assert second.budgets == (Budget("2021-2025", Decimal(800)),)
    assert third.budgets == ()  # counted once, for task 2
    assert third.funding_source == "NSĐP"  # a merged funding source applies to each task
    assert (first.appendix, first.phase) == ("II", "2021-2030")
    assert result.warnings == ("Bảng 1, hàng 6: kinh phí của 3 là ô gộp với nhiệm vụ 2: chỉ tính một lần, cho 2",)


def test_targets_in_paragraphs_match_the_text_reading(thai_binh_text: str, thai_binh: ParseResult) -> None:
    lines = thai_binh_text.split("\n")
    start, end = (
        lines.index("II. Mục tiêu"),
        lines.index("PHẦN V: NHIỆM VỤ VÀ CÁC GIẢI PHÁP CHỦ YẾU VỀ CHUYỂN ĐỔI SỐ TOÀN DIỆN TỈNH THÁI BÌNH"),
    )
    document = new_document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Chuyển đổi số đến năm 2025, định hướng đến năm 2030")
    for entry in ("II. Mục tiêu\t33", "2. Mục tiêu cơ bản.....\t33", "PHẦN V: NHIỆM VỤ\t36"):  # table of contents
        document.add_paragraph(entry)
    in_2030 = False
    for line in lines[start:end]:
        text = line.strip()
        in_2030 = in_2030 or text.startswith("2.2.")
        if in_2030 and text.startswith("- "):
            document.add_paragraph(text[2:], style="List Bullet")  # Word's own bullets: no "-" in the text
        elif text:
            document.add_paragraph(text)
    result = parse_docx(docx_bytes(document))
    assert result.targets == thai_binh.targets
    assert result.targets[0].source == "Mục tiêu: Đoạn 13, Đoạn 30"
