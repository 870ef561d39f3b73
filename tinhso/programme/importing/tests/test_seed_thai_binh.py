"""Thái Bình's scheme (Decision 54/QĐ-UBND, 2022), as converted from Word to text."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from tinhso.programme.importing import Milestone, ParsedTarget, ParsedTask, ParseResult


def _task(result: ParseResult, appendix: str, code: str) -> ParsedTask:
    return next(t for t in result.tasks if t.appendix == appendix and t.code == code)


def _target(result: ParseResult, code: str) -> ParsedTarget:
    return next(t for t in result.targets if t.code == code)


def test_every_appendix_is_read_in_full(thai_binh: ParseResult) -> None:
    assert Counter(task.appendix for task in thai_binh.tasks) == {"01": 19, "02": 18, "3": 32, "4": 26}
    assert thai_binh.rejections == ()


def test_appendices_carry_phase_and_kind(thai_binh: ParseResult) -> None:
    by_appendix = {(t.appendix, t.phase, t.kind) for t in thai_binh.tasks}
    assert by_appendix == {
        ("01", "2021-2025", "task"),
        ("02", "2026-2030", "task"),
        ("3", "2021-2025", "action"),
        ("4", "2026-2030", "action"),
    }


def test_tasks_read_exactly(thai_binh: ParseResult) -> None:
    assert _task(thai_binh, "01", "KTS2") == ParsedTask(
        code="KTS2",
        name="Xây dựng mới, nâng cấp và hoàn thiện các khu công nghiệp",
        lead_agency="Ban quản lý Khu kinh tế và các khu công nghiệp",
        partner_agencies=("Sở TT&TT", "Sở TNMT", "Sở NNPTNT", "Sở XD", "Sở KHĐT"),
        phase="2021-2025",
        appendix="01",
        kind="task",
        pillar="digital_economy",
    )
    xhs1 = _task(thai_binh, "01", "XHS1")
    assert xhs1.partner_agencies == (
        "Báo Thái Bình",
        "các đơn vị báo chí",
        "doanh nghiệp liên quan đến lĩnh vực thông tin tuyên truyền",
        "các sở, ban, ngành",
        "UBND huyện, thành phố",
    )
    assert xhs1.pillar == "digital_society"
    assert _task(thai_binh, "02", "CQS8").partner_agencies == ("UBND huyện, thành phố, xã, phường, thị trấn",)
    assert _task(thai_binh, "02", "CQS1").partner_agencies == (
        "Các cơ quan, đơn vị thuộc nguồn nộp lưu vào Lưu trữ lịch sử",
    )


def test_actions_point_to_their_task(thai_binh: ParseResult) -> None:
    action = _task(thai_binh, "3", "CQS4.2")
    assert (action.parent_code, action.kind, action.name) == (
        "CQS4",
        "action",
        "Thực hiện đào tạo, tập huấn nâng cao kỹ năng an toàn an ninh mạng",
    )
    assert action.partner_agencies == (
        "Các sở, ban, ngành",
        "UBND huyện, thành phố",
        "các cơ sở đào tạo về lĩnh vực ICT",
    )
    assert _task(thai_binh, "4", "CQS10.1").parent_code == "CQS10"
    assert _task(thai_binh, "01", "CQS1").parent_code is None


def test_codes_shifted_in_appendix_4_are_pointed_out(thai_binh: ParseResult) -> None:
    # Appendix 4 numbers the economy actions one above the tasks of appendix 02 (KTS2.1 is
    # "Chuyển đổi số trong lĩnh vực xây dựng", which is KTS1 there): the lead agencies disagree.
    shifted = [w for w in thai_binh.warnings if "chủ trì nhưng nhiệm vụ" in w]
    assert len(shifted) == 8
    assert (
        "Dòng 1857: KTS2.1 do “Sở Xây dựng” chủ trì nhưng nhiệm vụ KTS2 do “Ban Quản lý Khu kinh tế và các "
        "Khu công nghiệp tỉnh” chủ trì; có thể là nhiệm vụ KTS1"
    ) in shifted


def test_document_meta(thai_binh: ParseResult) -> None:
    meta = thai_binh.document_meta
    assert (meta.number, meta.date, meta.place, meta.issuer) == (
        "54/QĐ-UBND",
        dt.date(2022, 3, 17),
        "Thái Bình",
        "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH",
    )
    assert meta.title == "Phê duyệt Đề án Chuyển đổi số tỉnh Thái Bình đến năm 2025, định hướng đến năm 2030"
    assert meta.programme_title == "Đề án Chuyển đổi số tỉnh Thái Bình đến năm 2025, định hướng đến năm 2030"
    assert (meta.period_start, meta.period_end) == (2021, 2030)
    # The cover of the scheme says 57/QĐ-UBND: the user is told, nothing is picked silently.
    assert (
        "số quyết định ở đầu văn bản (54/QĐ-UBND) khác số ghi ở phần đề án kèm theo (57/QĐ-UBND)" in thai_binh.warnings
    )


# --- targets of PHẦN IV, mục II.2 -------------------------------------------------------------------


def test_targets_count_by_pillar_and_year(thai_binh: ParseResult) -> None:
    targets = thai_binh.targets
    assert len(targets) == 16
    assert Counter(t.pillar for t in targets) == {
        "digital_government": 7,
        "digital_economy": 4,
        "digital_society": 4,
        None: 1,
    }
    assert sum(any(m.year == 2025 for m in t.milestones) for t in targets) == 13
    assert sum(any(m.year == 2030 for m in t.milestones) for t in targets) == 11
    assert [t.code for t in targets[:3]] == ["MT-CQS-01", "MT-CQS-02", "MT-CQS-03"]


def test_same_indicator_in_2025_and_2030_is_one_target(thai_binh: ParseResult) -> None:
    online = _target(thai_binh, "MT-CQS-01")
    assert online.text == (
        "80% dịch vụ công trực tuyến mức độ 4, được cung cấp trên nhiều phương tiện truy cập "
        "khác nhau, bao gồm cả thiết bị di động."
    )
    assert online.indicator_hint == "Tỷ lệ dịch vụ công trực tuyến mức độ 4"
    assert [(m.year, m.comparator, m.value, m.unit, m.level) for m in online.milestones] == [
        (2025, "=", Decimal(80), "%", None),
        (2030, "=", Decimal(100), "%", None),
    ]
    assert online.milestones[1].text == (
        "100% dịch vụ công trực tuyến mức độ 4 được cung cấp trên nhiều phương tiện truy cập khác nhau."
    )


def test_split_by_level(thai_binh: ParseResult) -> None:
    records = _target(thai_binh, "MT-CQS-02")
    assert records.indicator_hint == "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng"
    assert records.milestones == (
        Milestone(2025, "=", Decimal(90), "%", "province", "90% tổng số hồ sơ công việc tại cấp tỉnh"),
        Milestone(2025, "=", Decimal(80), "%", "district", "80% hồ sơ công việc tại cấp huyện"),
        Milestone(
            2025,
            "=",
            Decimal(60),
            "%",
            "commune",
            "60% hồ sơ công việc tại cấp xã được xử lý trên môi "
            "trường mạng (trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước).",
        ),
        Milestone(
            2030,
            "=",
            Decimal(100),
            "%",
            None,
            "100% hồ sơ công việc ở các cấp được xử lý trên môi trường mạng (trừ hồ sơ thuộc bí mật nhà nước).",
        ),
    )


def test_comparators_and_units_from_wording(thai_binh: ParseResult) -> None:
    def milestones(code: str) -> list[tuple[int, str, Decimal | None, str]]:
        return [(m.year, m.comparator, m.value, m.unit) for m in _target(thai_binh, code).milestones]

    assert milestones("MT-KTS-01") == [(2025, "=", Decimal(20), "%"), (2030, "=", Decimal(30), "%")]  # chiếm
    assert _target(thai_binh, "MT-KTS-01").indicator_hint == "Tỷ trọng kinh tế số trong GRDP"
    assert milestones("MT-KTS-02") == [(2025, ">=", Decimal(10), "%"), (2030, ">=", Decimal(20), "%")]  # tối thiểu
    assert milestones("MT-KTS-03") == [(2025, ">=", Decimal(9), "%/năm"), (2030, ">=", Decimal(10), "%/năm")]
    assert _target(thai_binh, "MT-KTS-03").indicator_hint == "Tốc độ tăng năng suất lao động"
    assert milestones("MT-KTS-04") == [(2025, ">=", Decimal(50), "%"), (2030, "=", Decimal(100), "%")]  # từ…trở lên
    accounts = _target(thai_binh, "MT-XHS-03")
    assert [(m.year, m.comparator, m.value) for m in accounts.milestones] == [
        (2025, ">", Decimal(50)),
        (2030, ">", Decimal(80)),  # "đạt trên"; "15 tuổi" is not a target
    ]
    assert accounts.indicator_hint == "Tỷ lệ người dân từ 15 tuổi trở lên có tài khoản thanh toán điện tử"


def test_targets_without_a_number_keep_their_year(thai_binh: ParseResult) -> None:
    inspections = _target(thai_binh, "MT-CQS-05")
    assert [(m.year, m.value) for m in inspections.milestones] == [(2025, Decimal(50)), (2030, None)]
    internet = _target(thai_binh, "MT-XHS-01")
    assert internet.text == "Mỗi hộ gia đình đều tiếp cận được dịch vụ Internet băng thông rộng."
    assert internet.milestones == (Milestone(2025, "=", None, "", None, internet.text),)
    assert internet.indicator_hint is None


def test_lettered_paragraph_without_bullets_is_a_target(thai_binh: ParseResult) -> None:
    ranking = _target(thai_binh, "MT-CHUNG-01")
    assert ranking.pillar is None
    assert ranking.text.startswith("Thực hiện chương trình chuyển đổi số tỉnh Thái Bình căn bản")
    assert [(m.year, m.comparator, m.value, m.unit) for m in ranking.milestones] == [
        (2025, "<=", Decimal(20), "hạng"),
    ]
    assert ranking.indicator_hint == "Thứ hạng về chuyển đổi số"


def test_national_targets_of_part_ii_are_not_read(thai_binh: ParseResult) -> None:
    # PHẦN II quotes the national programme's own targets ("3.1. Mục tiêu cơ bản đến năm 2025").
    assert all(ref.startswith("Mục tiêu: Dòng 8") for t in thai_binh.targets for ref in [t.source])
