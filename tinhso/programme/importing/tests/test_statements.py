"""Numbers in target sentences: the comparator table, units, levels, years."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tinhso.programme.importing.statements import explicit_year, infer_pillar, pair_levels, quantities


@pytest.mark.parametrize(
    ("sentence", "comparator"),
    [
        ("đạt trên 50%", ">"),
        ("hơn 50%", ">"),
        ("vượt 50%", ">"),
        ("tối thiểu 50%", ">="),
        ("ít nhất 50%", ">="),
        ("từ 50% trở lên", ">="),
        ("không dưới 50%", ">="),
        ("đạt 50%", "="),
        ("bằng 50%", "="),
        ("50%", "="),
        ("dưới 50%", "<="),
        ("không quá 50%", "<="),
        ("tối đa 50%", "<="),
        ("không vượt quá 50%", "<="),
        ("≥ 50%", ">="),
        ("≤ 50%", "<="),
    ],
)
def test_comparators(sentence: str, comparator: str) -> None:
    (found,) = quantities(sentence)
    assert (found.comparator, found.value, found.unit) == (comparator, Decimal(50), "%")


@pytest.mark.parametrize(
    ("sentence", "unit"),
    [
        ("100 doanh nghiệp", "doanh nghiệp"),
        ("1.500 người", "người"),
        ("tăng 9%/năm", "%/năm"),
        ("2,5 triệu đồng", "triệu đồng"),
    ],
)
def test_units(sentence: str, unit: str) -> None:
    (found,) = quantities(sentence)
    assert found.unit == unit


@pytest.mark.parametrize(
    "sentence",
    [
        "dịch vụ công trực tuyến mức độ 4",
        "người dân từ 15 tuổi",
        "mạng di động 4G/5G",
        "Công nghệ 4.0",
        "giai đoạn 2021-2025",
        "đến năm 2025",
        "Nghị định số 45/2020/NĐ-CP",
    ],
)
def test_numbers_that_are_not_targets(sentence: str) -> None:
    assert quantities(sentence) == []


def test_negative_value_is_kept_for_the_caller_to_reject() -> None:
    (found,) = quantities("giảm xuống -5%")
    assert found.value == Decimal(-5)


def test_levels_written_before_or_after() -> None:
    before = "cấp tỉnh 90%, cấp huyện 80%, cấp xã 60%"
    split = pair_levels(before, quantities(before))
    assert split is not None
    assert (split.levels, split.written_after) == (["province", "district", "commune"], False)
    after = "90% hồ sơ tại cấp tỉnh; 60% hồ sơ tại cấp xã"
    split = pair_levels(after, quantities(after))
    assert split is not None
    assert (split.levels, split.written_after) == (["province", "commune"], True)
    assert pair_levels("100% hồ sơ ở các cấp", quantities("100% hồ sơ ở các cấp")) is None


def test_years() -> None:
    assert explicit_year("Kinh tế số đến hết năm 2022 chiếm 15% GRDP") == 2022
    assert explicit_year("tăng 30% so với năm 2020") is None
    assert explicit_year("80% dịch vụ công") is None


def test_pillars_from_headings() -> None:
    assert infer_pillar("a) Phát triển Chính quyền số, nâng cao hiệu quả") == "digital_government"
    assert infer_pillar("b) Phát triển kinh tế số, nâng cao năng lực cạnh tranh của nền kinh tế") == "digital_economy"
    assert infer_pillar("c) Phát triển xã hội số, thu hẹp khoảng cách số") == "digital_society"
    assert infer_pillar("1. Phát triển nền tảng cho chuyển đổi số") == "foundation"
    assert infer_pillar("d) Thực hiện chương trình chuyển đổi số") is None
