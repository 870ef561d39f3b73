"""Tables pasted as tab-separated text, in the general layout other provinces use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tinhso.programme.importing import Budget, ParsedTask, ParseResult, parse_text


def _rows(*rows: list[str]) -> str:
    return "\n".join("\t".join(row) for row in rows)


PASTED = "\n".join(
    [
        "PHỤ LỤC I",
        "DANH MỤC NHIỆM VỤ, DỰ ÁN GIAI ĐOẠN 2021 - 2025",
        "(Kèm theo Kế hoạch số 12/KH-UBND)",
        "",
        _rows(
            [
                "TT",
                "Tên nhiệm vụ",
                "Nội dung",
                "Đơn vị chủ trì",
                "Đơn vị phối hợp",
                "Lộ trình",
                "Kinh phí (triệu đồng)",
                "",
                "Nguồn vốn",
            ],
            ["", "", "", "", "", "", "2021-2025", "2026-2030", ""],
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
            ["I", "CHÍNH QUYỀN SỐ", "", "", "", "", "", "", ""],
            [
                "1",
                "Xây dựng Trung tâm dữ liệu tỉnh",
                "- Khảo sát hiện trạng",
                "Sở Thông tin và Truyền thông",
                "Sở Tài chính, Sở Kế hoạch và Đầu tư",
                "2022-2024",
                "15.000",
                "2.500,5",
                "NSĐP",
            ],
            ["", "", "- Đầu tư thiết bị", "", "Sở Văn hóa, Thể thao và Du lịch", "", "", "", ""],
            [
                "1.1",
                "Nâng cấp phòng máy",
                "- Mua máy chủ - Cài đặt phần mềm",
                "",
                "Các sở, ban, ngành; UBND các huyện, thị xã, thành phố",
                "Hằng năm",
                "Lồng ghép",
                "",
                "",
            ],
            ["II", "KINH TẾ SỐ", "", "", "", "", "", "", ""],
            [
                "4",
                "Sàn thương mại điện tử",
                '"- Xây dựng sàn\n- Vận hành sàn"',
                "Sở Công Thương",
                "Sở TT&TT, NN&PTNT, KH&ĐT",
                "2021 - 2025",
                "3 tỷ đồng",
                "",
                "Xã hội hóa",
            ],
        ),
    ]
)


@pytest.fixture(scope="module")
def pasted() -> ParseResult:
    return parse_text(PASTED)


def test_general_layout(pasted: ParseResult) -> None:
    first, child, market = pasted.tasks
    assert first == ParsedTask(
        code="1",
        name="Xây dựng Trung tâm dữ liệu tỉnh",
        lead_agency="Sở Thông tin và Truyền thông",
        content_items=("Khảo sát hiện trạng", "Đầu tư thiết bị"),
        partner_agencies=("Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Văn hóa, Thể thao và Du lịch"),
        timeline_start=2022,
        timeline_end=2024,
        budgets=(Budget("2021-2025", Decimal(15000)), Budget("2026-2030", Decimal("2500.5"))),
        funding_source="NSĐP",
        phase="2021-2025",
        appendix="I",
        kind="task",
        pillar="digital_government",
    )
    assert pasted.rejections == ()
    assert (child.parent_code, child.content_items, child.recurring, child.budgets, child.budget_note) == (
        "1",
        ("Mua máy chủ", "Cài đặt phần mềm"),
        True,
        (),
        "Lồng ghép",
    )
    assert child.partner_agencies == ("Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố")
    assert market.pillar == "digital_economy"
    assert market.content_items == ("Xây dựng sàn", "Vận hành sàn")  # a quoted Excel cell with line breaks
    assert market.partner_agencies == ("Sở TT&TT", "Sở NN&PTNT", "Sở KH&ĐT")


def test_billions_are_converted_with_a_warning(pasted: ParseResult) -> None:
    assert pasted.tasks[2].budgets == (Budget("2021-2025", Decimal(3000)),)
    assert "Dòng 13: kinh phí ghi bằng tỷ đồng: đã đổi sang triệu đồng (× 1.000)" in pasted.warnings


def test_empty_lead_takes_the_one_above_with_a_warning(pasted: ParseResult) -> None:
    assert pasted.tasks[1].lead_agency == "Sở Thông tin và Truyền thông"
    assert (
        "Dòng 11: không ghi đơn vị chủ trì, lấy theo dòng trên (ô gộp): “Sở Thông tin và Truyền thông”"
        in pasted.warnings
    )


def test_header_in_billions_converts_every_row() -> None:
    result = parse_text("TT\tNhiệm vụ\tĐơn vị chủ trì\tKinh phí (tỷ đồng)\n1\tA\tSở Y tế\t2,5\n2\tB\tSở Y tế\t1\n")
    assert [task.budgets for task in result.tasks] == [(Budget("", Decimal(2500)),), (Budget("", Decimal(1000)),)]
    assert result.warnings.count("kinh phí ghi bằng tỷ đồng: đã đổi sang triệu đồng (× 1.000)") == 1


def test_header_broken_over_two_lines() -> None:
    text = "STT\tNhiệm vụ\tĐơn vị chủ\ntrì\tĐơn vị phối hợp\n1\tSố hóa\tSở Nội vụ\tSở Tư pháp\n"
    (task,) = parse_text(text).tasks
    assert (task.code, task.lead_agency, task.partner_agencies) == ("1", "Sở Nội vụ", ("Sở Tư pháp",))


def test_cell_broken_over_two_lines() -> None:
    text = "STT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\n1\tSố hóa hồ sơ\nlưu trữ\tSở Nội vụ\tSở Tư pháp\n"
    (task,) = parse_text(text).tasks
    assert (task.name, task.lead_agency) == ("Số hóa hồ sơ lưu trữ", "Sở Nội vụ")


def test_codes_repeat_across_appendices_but_not_within_one(thai_binh: ParseResult) -> None:
    assert {task.appendix for task in thai_binh.tasks if task.code == "CQS1"} == {"01", "02"}
