from __future__ import annotations

from decimal import Decimal

import pytest

from tinhso.programme.importing.amounts import parse_amount, parse_number, parse_timeline, phase_of


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1.500", Decimal(1500)),
        ("2,5", Decimal("2.5")),
        ("1.234,5", Decimal("1234.5")),
        ("12.345.678", Decimal(12345678)),
        ("1,234.5", Decimal("1234.5")),
        ("2.5", Decimal("2.5")),
        ("1,500", Decimal("1.5")),
        ("1,234,567", Decimal(1234567)),
        ("1 500", Decimal(1500)),
        ("-10", Decimal(-10)),
        ("0", Decimal(0)),
    ],
)
def test_vietnamese_numbers(written: str, value: Decimal) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize("written", ["abc", "1.2.3", "12,34,5", "", "1.23,4.5", "--1"])
def test_not_numbers(written: str) -> None:
    assert parse_number(written) is None


def test_budget_cells() -> None:
    assert parse_amount("15.000").value == Decimal(15000)
    three = parse_amount("3 tỷ đồng")
    assert (three.value, three.cell_scale) == (Decimal(3), Decimal(1000))
    assert parse_amount("500 triệu đồng").cell_scale == Decimal(1)
    dash = parse_amount("-")
    assert dash.value is None
    assert not dash.invalid
    assert parse_amount("Lồng ghép").note == "Lồng ghép"
    assert parse_amount("Kinh phí thường xuyên").note == "Kinh phí thường xuyên"
    assert parse_amount("abc").invalid
    assert parse_amount("12 quả táo").invalid


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2022-2025", (2022, 2025, False)),
        ("2022 – 2025", (2022, 2025, False)),
        ("Năm 2023", (2023, 2023, False)),
        ("Quý IV/2022", (2022, 2022, False)),
        ("Từ năm 2023", (2023, None, False)),
        ("Đến 2025", (None, 2025, False)),
        ("Hằng năm", (None, None, True)),
        ("Hàng năm", (None, None, True)),
        ("2021-2025, hằng năm", (2021, 2025, True)),
        ("", (None, None, False)),
    ],
)
def test_timelines(written: str, expected: tuple[int | None, int | None, bool]) -> None:
    timeline = parse_timeline(written)
    assert timeline.understood
    assert (timeline.start, timeline.end, timeline.recurring) == expected


def test_timeline_not_understood() -> None:
    assert not parse_timeline("sớm nhất có thể").understood
    assert not parse_timeline("2025-2022").understood


def test_phase() -> None:
    assert phase_of("DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021 - 2025") == "2021-2025"
    assert phase_of("đến năm 2025") is None
