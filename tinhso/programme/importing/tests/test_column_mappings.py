"""The readers with a saved column mapping: a table they could not classify is read with the
columns the user named, tasks or targets, and its signature ignores Unicode form and spacing."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from tinhso.programme.importing.headers import MappedColumn, header_signature
from tinhso.programme.importing.readers import parse_text

TARGETS = """Nhóm\tĐích đến 2025\tĐích đến 2030\tĐo bằng
CHÍNH QUYỀN SỐ\t\t\t
Dịch vụ công trực tuyến toàn trình\t80\t100\t%
Hồ sơ được số hóa\t70\t95\t%
"""


def test_the_signature_is_folded_and_ignores_trailing_empty_cells() -> None:
    assert header_signature(["Hạng  mục", "Số lượng", "", ""]) == "hang muc|so luong"
    assert header_signature([unicodedata.normalize("NFD", "Hạng mục"), "Số lượng"]) == "hang muc|so luong"


def test_a_target_table_is_read_with_its_mapping() -> None:
    plain = parse_text(TARGETS)
    [table] = plain.unclassified
    assert not plain.targets
    mapping = (
        MappedColumn("target"),
        MappedColumn("year", year=2025),
        MappedColumn("year", year=2030),
        MappedColumn("unit"),
    )
    result = parse_text(TARGETS, mappings={table.signature: mapping})
    assert not result.unclassified
    assert [target.text for target in result.targets] == ["Dịch vụ công trực tuyến toàn trình", "Hồ sơ được số hóa"]
    first = result.targets[0]
    assert first.pillar == "digital_government"
    assert [(m.year, m.value, m.unit) for m in first.milestones] == [
        (2025, Decimal(80), "%"),
        (2030, Decimal(100), "%"),
    ]


def test_a_mapping_for_another_shape_changes_nothing() -> None:
    result = parse_text(TARGETS, mappings={"something|else": (MappedColumn("target"),)})
    assert len(result.unclassified) == 1
    assert not result.targets
