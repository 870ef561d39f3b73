"""Thanh Hóa's 2020 plan: targets for 2022 inside the 2025 section, several years per sentence."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from tinhso.programme.importing import Milestone, ParsedTarget, ParseResult


def _target(result: ParseResult, code: str) -> ParsedTarget:
    return next(t for t in result.targets if t.code == code)


def _by_year(result: ParseResult, year: int) -> int:
    return sum(any(m.year == year for m in t.milestones) for t in result.targets)


def test_counts(thanh_hoa: ParseResult) -> None:
    assert len(thanh_hoa.targets) == 20
    assert Counter(t.pillar for t in thanh_hoa.targets) == {
        "digital_government": 12,
        "digital_economy": 3,
        "digital_society": 5,
    }
    assert (
        _by_year(thanh_hoa, 2020),
        _by_year(thanh_hoa, 2022),
        _by_year(thanh_hoa, 2025),
        _by_year(thanh_hoa, 2030),
    ) == (1, 9, 13, 12)
    assert thanh_hoa.tasks == ()
    assert thanh_hoa.rejections == ()


def test_draft_decision_without_number_or_day(thanh_hoa: ParseResult) -> None:
    meta = thanh_hoa.document_meta
    assert (meta.number, meta.date, meta.year, meta.place) == (None, None, 2020, "Thanh Hoá")
    assert "văn bản chưa ghi số quyết định (bản dự thảo?)" in thanh_hoa.warnings


def test_year_lines_group_plus_bullets(thanh_hoa: ParseResult) -> None:
    # "- Đến hết năm 2022:" then "+ …" bullets; "- Đến năm 2025:" then the same bullets again.
    inspections = _target(thanh_hoa, "MT-CQS-06")
    assert [(m.year, m.value) for m in inspections.milestones] == [
        (2022, Decimal(20)),
        (2025, Decimal(50)),
        (2030, Decimal(70)),
    ]
    rate = _target(thanh_hoa, "MT-CQS-03")
    assert [(m.year, m.comparator, m.value) for m in rate.milestones] == [
        (2022, ">=", Decimal(60)),
        (2025, ">=", Decimal(75)),
        (2030, ">=", Decimal(80)),
    ]


def test_two_targets_in_one_sentence(thanh_hoa: ParseResult) -> None:
    satisfaction = _target(thanh_hoa, "MT-CQS-04")
    assert satisfaction.text == (
        "tối thiểu 90% người dân và doanh nghiệp hài lòng về việc giải quyết thủ tục hành chính."
    )
    assert satisfaction.indicator_hint == (
        "Tỷ lệ người dân và doanh nghiệp hài lòng về việc giải quyết thủ tục hành chính"
    )
    assert [(m.year, m.comparator, m.value) for m in satisfaction.milestones] == [
        (2022, ">=", Decimal(90)),
        (2025, ">=", Decimal(95)),
    ]


def test_several_years_in_one_sentence(thanh_hoa: ParseResult) -> None:
    share = _target(thanh_hoa, "MT-KTS-01")
    assert share.milestones == (
        Milestone(2022, "=", Decimal(15), "%", None, "Kinh tế số đến hết năm 2022 chiếm 15% GRDP"),
        Milestone(2025, "=", Decimal(20), "%", None, "đến hết năm 2025 chiếm 20% GRDP."),
        Milestone(2030, "=", Decimal(30), "%", None, "Kinh tế số chiếm 30% GRDP."),
    )
    accounts = _target(thanh_hoa, "MT-XHS-04")
    assert [(m.year, m.comparator, m.value) for m in accounts.milestones] == [
        (2022, ">", Decimal(25)),
        (2025, "=", Decimal(50)),
        (2030, ">", Decimal(80)),
    ]


def test_two_numbers_for_one_year_are_two_targets(thanh_hoa: ParseResult) -> None:
    # "… đến hết năm 2022 phủ trên 50% hộ gia đình, 100% xã, phường, thị trấn; đến hết năm 2025 phủ 80% hộ gia đình."
    households, communes = _target(thanh_hoa, "MT-XHS-01"), _target(thanh_hoa, "MT-XHS-02")
    assert [(m.year, m.comparator, m.value) for m in households.milestones] == [
        (2022, ">", Decimal(50)),
        (2025, "=", Decimal(80)),
    ]
    assert communes.text == "100% xã, phường, thị trấn"
    assert communes.indicator_hint == "Hạ tầng mạng băng rộng cáp quang phủ xã, phường, thị trấn"
    assert [(m.year, m.value) for m in communes.milestones] == [(2022, Decimal(100))]


def test_a_sentence_broken_by_a_page_is_joined(thanh_hoa: ParseResult) -> None:
    records = _target(thanh_hoa, "MT-CQS-01")
    assert records.text.endswith("(trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước).")
    assert [(m.year, m.value) for m in records.milestones] == [(2020, Decimal(100))]


def test_clauses_with_their_own_number_split(thanh_hoa: ParseResult) -> None:
    # "Hình thành nền tảng dữ liệu …; giảm 30% thủ tục hành chính; mở dữ liệu …, tăng 30% dịch vụ sáng tạo …"
    texts = [t.text for t in thanh_hoa.targets if t.source == _target(thanh_hoa, "MT-CQS-11").source]
    assert texts[0].startswith("Hình thành nền tảng dữ liệu cho các ngành")
    assert texts[1:] == [
        "giảm 30% thủ tục hành chính",
        "mở dữ liệu cho các tổ chức, doanh nghiệp, tăng 30% dịch vụ sáng tạo dựa trên dữ liệu phục vụ người dân, "
        "doanh nghiệp.",
    ]
    assert _target(thanh_hoa, "MT-CQS-11").indicator_hint == "Tỷ lệ giảm thủ tục hành chính"
