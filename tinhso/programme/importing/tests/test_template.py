"""The Excel template: what build_template writes, parse_xlsx reads back exactly."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from tinhso.programme.importing import (
    Budget,
    Milestone,
    ParsedTarget,
    ParsedTask,
    ParseResult,
    build_template,
    parse_file,
    parse_xlsx,
)


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def thai_binh_xlsx(thai_binh: ParseResult) -> bytes:
    return build_template(thai_binh.targets, thai_binh.tasks, agencies=["Sở Nội vụ", "Sở Y tế"])


def test_round_trip_of_thai_binh(thai_binh: ParseResult, thai_binh_xlsx: bytes) -> None:
    """Export what was read from the seed, read the export: the same targets and tasks."""
    back = parse_file("khong-phai-excel.txt", thai_binh_xlsx)  # recognised by content, not by name
    assert back.targets == thai_binh.targets
    assert back.tasks == thai_binh.tasks
    assert (back.rejections, back.warnings) == ((), ())


def test_round_trip_of_thanh_hoa(thanh_hoa: ParseResult) -> None:
    back = parse_xlsx(build_template(thanh_hoa.targets, thanh_hoa.tasks))
    assert (back.targets, back.tasks, back.rejections) == (thanh_hoa.targets, (), ())


def test_layout(thai_binh_xlsx: bytes) -> None:
    workbook = _workbook(thai_binh_xlsx)
    assert workbook.sheetnames == ["Hướng dẫn", "Chỉ tiêu", "Nhiệm vụ", "Danh mục"]
    assert workbook["Danh mục"].sheet_state == "hidden"
    targets, tasks = workbook["Chỉ tiêu"], workbook["Nhiệm vụ"]
    assert targets.freeze_panes == tasks.freeze_panes == "A2"
    titles = [cell.value for cell in targets[1]]
    assert titles[:6] == [
        "Mã chỉ tiêu",
        "Trụ cột",
        "Chỉ tiêu (như văn bản)",
        "Chỉ số đo (gợi ý)",
        "Đơn vị theo dõi",
        "Đơn vị phối hợp (mỗi dòng một đơn vị)",
    ]
    groups = [title.split(" · ")[0] for title in titles[6:-1:4]]
    assert groups == ["2025", "2025 cấp tỉnh", "2025 cấp huyện", "2025 cấp xã", "2030"]
    assert targets.column_dimensions["C"].width == 60
    lists = {str(v.sqref): v.formula1 for v in targets.data_validations.dataValidation}
    assert lists["B2:B500"] == "='Danh mục'!$A$2:$A$5"  # pillars
    assert lists["G2:G500"] == "='Danh mục'!$B$2:$B$6"  # comparators
    assert lists["E2:E500"] == "='Danh mục'!$E$2:$E$3"  # agencies
    task_lists = {str(v.sqref) for v in tasks.data_validations.dataValidation}
    assert task_lists == {"C2:C500", "D2:D500", "L2:L500", "H2:H500"}
    assert [cell.value for cell in tasks[1]][12:14] == [
        "Kinh phí 2021-2025 (triệu đồng)",
        "Kinh phí 2026-2030 (triệu đồng)",
    ]


def test_empty_template_has_default_years_and_phases() -> None:
    data = build_template()
    workbook = _workbook(data)
    titles = [cell.value for cell in workbook["Chỉ tiêu"][1]]
    assert "2025 · Giá trị" in titles
    assert "2030 · Giá trị" in titles
    assert "Kinh phí 2026-2030 (triệu đồng)" in [cell.value for cell in workbook["Nhiệm vụ"][1]]
    assert not workbook["Chỉ tiêu"].data_validations.dataValidation[-1].formula1.endswith("$E$1")
    assert [r.reason for r in parse_xlsx(data).rejections] == [
        "Tệp không phải là đề án/kế hoạch: mẫu Excel chưa có chỉ tiêu hay nhiệm vụ nào",
    ]


def test_values_that_look_like_formulas_stay_text() -> None:
    target = ParsedTarget(
        pillar=None,
        code="MT-CHUNG-01",
        text="=SUM(A1:A9) không phải công thức",
        milestones=(Milestone(2025, "<", Decimal("0.5"), "%", None, "=dưới 0,5%"),),
    )
    task = ParsedTask(
        code="1.10",
        name='=HYPERLINK("x")',
        lead_agency="Sở Y tế",
        appendix="01",
        budgets=(Budget("2021-2025", Decimal("1234.5")),),
        recurring=True,
        timeline_start=2022,
    )
    back = parse_xlsx(build_template([target], [task]))
    assert (back.targets, back.tasks) == ((target,), (task,))


def _filled(rows: dict[str, list[list[object]]]) -> bytes:
    workbook = _workbook(build_template())
    for sheet, values in rows.items():
        for row_number, row in enumerate(values, start=2):
            for column, value in enumerate(row, start=1):
                workbook[sheet].cell(row=row_number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_template_filled_by_hand() -> None:
    data = _filled(
        {
            "Chỉ tiêu": [
                [
                    "",
                    "Chính quyền số",
                    "Tỷ lệ DVCTT toàn trình",
                    "",
                    "Sở Nội vụ",
                    "Sở Y tế\nCác sở, ban, ngành",
                    "≥ (tối thiểu)",
                    "80",
                    "%",
                    "",
                    "",
                    100,
                    "%",
                    "",
                ],
            ],
            "Nhiệm vụ": [
                [
                    "01",
                    "2021-2025",
                    "Hành động",
                    "Kinh tế số",
                    "KTS1.1",
                    "Sàn TMĐT",
                    "- Xây dựng\n- Vận hành",
                    "Sở Công Thương",
                    "Sở Tài chính",
                    2022,
                    "2025",
                    "Có",
                    "1.500",
                    2.5,
                    "",
                    "NSĐP",
                ],
            ],
        }
    )
    result = parse_xlsx(data)
    assert result.rejections == ()
    (target,) = result.targets
    assert (target.code, target.pillar, target.partner_agencies) == (
        "MT-CQS-01",
        "digital_government",
        ("Sở Y tế", "Các sở, ban, ngành"),
    )
    assert [(m.year, m.comparator, m.value) for m in target.milestones] == [
        (2025, ">=", Decimal(80)),
        (2030, "=", Decimal(100)),
    ]
    (task,) = result.tasks
    assert (
        task.kind,
        task.parent_code,
        task.content_items,
        task.timeline_start,
        task.timeline_end,
        task.recurring,
    ) == ("action", "KTS1", ("Xây dựng", "Vận hành"), 2022, 2025, True)
    assert task.budgets == (Budget("2021-2025", Decimal(1500)), Budget("2026-2030", Decimal("2.5")))


def test_errors_in_a_filled_template() -> None:
    data = _filled(
        {
            "Chỉ tiêu": [
                ["A1", "", "Âm", "", "", "", "=", -5, "%", ""],
                ["A2", "", "Chữ", "", "", "", "=", "nhiều", "%", ""],
                ["A3", "", "Được", "", "", "", "= (đạt)", 1, "%", ""],
                ["A3", "", "Trùng", "", "", "", "=", 2, "%", ""],
            ],
            "Nhiệm vụ": [
                ["01", "", "", "", "CQS1", "A", "", "Sở Y tế", "", "", "", "", "abc"],
                ["01", "", "", "", "CQS2", "B", "", "Sở Y tế", "", "", "", "", -1],
                ["01", "", "", "", "CQS3", "", "", "Sở Y tế"],
                ["01", "", "", "", "CQS4", "D", "", "Sở Y tế", "", "năm sau"],
                ["01", "", "", "", "CQS5", "E", "", "Sở Y tế"],
                ["01", "", "", "", "CQS5", "F", "", "Sở Y tế"],
                ["01", "", "", "", "không có mã", "G", "", "Sở Y tế"],
            ],
        }
    )
    result = parse_xlsx(data)
    assert [r.reason for r in result.rejections] == [
        "Trang “Chỉ tiêu”, dòng 2: chỉ tiêu có giá trị âm “-5” (năm 2025)",
        "Trang “Chỉ tiêu”, dòng 3: giá trị năm 2025 “nhiều” không phải là số",
        "Trang “Chỉ tiêu”, dòng 5: mã chỉ tiêu “A3” trùng với dòng 4",
        "Trang “Nhiệm vụ”, dòng 2: kinh phí “abc” không phải là số",
        "Trang “Nhiệm vụ”, dòng 3: kinh phí “-1” là số âm",
        "Trang “Nhiệm vụ”, dòng 4: nhiệm vụ “CQS3” không có tên",
        "Trang “Nhiệm vụ”, dòng 5: Năm bắt đầu “năm sau” không phải là năm",
        "Trang “Nhiệm vụ”, dòng 7: mã nhiệm vụ “CQS5” trùng với dòng 6",
        "Trang “Nhiệm vụ”, dòng 8: mã nhiệm vụ “không có mã” không hợp lệ",
    ]
    assert [t.code for t in result.targets] == ["A3"]
    assert [t.code for t in result.tasks] == ["CQS5"]


def test_template_with_a_column_renamed() -> None:
    workbook = _workbook(build_template())
    workbook["Nhiệm vụ"]["H1"] = "Người làm"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [r.reason for r in parse_xlsx(buffer.getvalue()).rejections] == [
        "Trang “Nhiệm vụ”, dòng 1: bảng thiếu cột: Đơn vị chủ trì",
    ]


def test_other_workbooks_are_read_as_tables() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Phụ lục"
    sheet.append(["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Kinh phí (triệu đồng)"])
    sheet.append([1, "Số hóa", "Sở Nội vụ", 1500])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (task,) = parse_xlsx(buffer.getvalue()).tasks
    assert (task.code, task.lead_agency, task.budgets, task.source) == (
        "1",
        "Sở Nội vụ",
        (Budget("", Decimal(1500)),),
        "Trang “Phụ lục”, dòng 2",
    )


def test_percent_cells_and_percent_signs() -> None:
    workbook = _workbook(build_template())
    sheet = workbook["Chỉ tiêu"]
    sheet["C2"], sheet["H2"], sheet["L2"] = "Tỷ lệ hồ sơ trực tuyến", 0.8, "95%"
    sheet["H2"].number_format = "0%"  # typed "80%" in Excel
    buffer = io.BytesIO()
    workbook.save(buffer)
    (target,) = parse_xlsx(buffer.getvalue()).targets
    assert [(m.year, m.value) for m in target.milestones] == [(2025, Decimal(80)), (2030, Decimal(95))]
