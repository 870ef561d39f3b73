"""Word tables exported one cell per line: an empty cell is a lone NBSP, a merged cell absent."""

from __future__ import annotations

from tinhso.programme.importing import parse_text

NBSP = "\u00a0"


def _lines(*cells: str) -> str:
    return "\n".join(cells) + "\n"


HEADER = ("STT", "Nhiệm vụ", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian", "Kinh phí (triệu đồng)")


def test_merged_cells_are_absent_and_taken_from_the_row_above() -> None:
    text = "PHỤ LỤC: NHIỆM VỤ GIAI ĐOẠN 2022-2025\n\n" + _lines(
        *HEADER,
        "1",
        "Kho dữ liệu dùng chung",
        "Thu thập dữ liệu",
        "Sở Thông tin và Truyền thông",
        "Sở Tài chính",
        "2022-2025",
        "1.200",
        # the lead and the timeline are merged with the row above: absent
        "2",
        "Cơ sở dữ liệu đất đai",
        "Số hóa hồ sơ",
        "Sở Tư pháp",
        "800",
        "3",
        "Cơ sở dữ liệu y tế",
        NBSP,
        "Sở Y tế",
        NBSP,
        "2023",
        NBSP,
    )
    tasks = {task.code: task for task in parse_text(text).tasks}
    assert list(tasks) == ["1", "2", "3"]
    assert (tasks["2"].lead_agency, tasks["2"].partner_agencies) == ("Sở Thông tin và Truyền thông", ("Sở Tư pháp",))
    assert (tasks["2"].timeline_start, tasks["2"].timeline_end) == (2022, 2025)
    assert [(b.phase, int(b.amount_million_vnd)) for b in tasks["2"].budgets] == [("2022-2025", 800)]
    assert (tasks["3"].content_items, tasks["3"].partner_agencies, tasks["3"].budgets) == ((), (), ())
    assert tasks["3"].timeline_start == 2023


def test_bullet_lines_continue_the_content_cell() -> None:
    text = _lines(
        *HEADER,
        "1",
        "Nền tảng LGSP",
        "- Nâng cấp trục tích hợp",
        "- Kết nối NDXP",
        "Sở Khoa học và Công nghệ",
        "Công an tỉnh",
        "2026",
        "500",
        "2",
        "Chữ ký số",
        "Cấp chứng thư",
        "Sở Nội vụ",
        "Sở Khoa học và Công nghệ",
        "2026",
        "100",
    )
    tasks = {task.code: task for task in parse_text(text).tasks}
    assert tasks["1"].content_items == ("Nâng cấp trục tích hợp", "Kết nối NDXP")
    assert tasks["1"].lead_agency == "Sở Khoa học và Công nghệ"
    assert tasks["2"].name == "Chữ ký số"


def test_a_value_is_not_taken_for_the_next_code_and_a_split_table_goes_on() -> None:
    header = ("STT", "Chỉ tiêu", "Đơn vị tính", "Năm 2025", "Năm 2030", "Đơn vị chủ trì")
    text = (
        _lines(
            *header,
            "1",
            "Tỷ lệ hồ sơ xử lý trực tuyến",
            "%",
            "2",
            "3",
            "Văn phòng UBND tỉnh",
        )
        + "\n"
        + _lines(
            *header,  # the header repeated on the next page
            "2",
            "Số nền tảng số dùng chung",
            "nền tảng",
            "5",
            "10",
            "Sở Khoa học và Công nghệ",
        )
        + "\nIII. TỔ CHỨC THỰC HIỆN\n"
    )
    targets = parse_text(text).targets
    assert [(t.code, t.text) for t in targets] == [
        ("1", "Tỷ lệ hồ sơ xử lý trực tuyến"),
        ("2", "Số nền tảng số dùng chung"),
    ]
    assert [(m.year, int(m.value or 0), m.unit) for m in targets[1].milestones] == [
        (2025, 5, "nền tảng"),
        (2030, 10, "nền tảng"),
    ]
    assert targets[0].tracking_agency == "Văn phòng UBND tỉnh"


def test_prose_with_header_words_is_not_a_table() -> None:
    text = _lines("II. NHIỆM VỤ", "Nhiệm vụ trọng tâm là chuyển đổi số.", "Đơn vị chủ trì phối hợp chặt chẽ.")
    result = parse_text(text)
    assert (result.tasks, result.targets) == ((), ())
