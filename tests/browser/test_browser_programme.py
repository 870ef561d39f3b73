"""A whole reporting cycle of the programme tracker in a real Chromium, at phone width:
the DX office opens a round, a focal point reports, one report comes back with a comment, is
corrected and approved, and the overview shows the new figures."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(tempfile.gettempdir())  # phone-width captures of the overview and the inbox, to look at
TASK = "Nền tảng tích hợp, chia sẻ dữ liệu"
TARGET = "Tỷ lệ dịch vụ công trực tuyến toàn trình: cấp tỉnh 90%, cấp xã 60%"


def test_a_reporting_cycle_from_opening_to_the_overview(page: Any, log_in: Any, scheme: dict[str, Any]) -> None:
    base = f"/de-an/{scheme['programme'].pk}/"

    # The DX office opens the round the page suggests, with its default dates.
    log_in("cds", base + "ky-bao-cao/")
    period = page.get_by_role("textbox", name="Kỳ báo cáo", exact=True).input_value()
    assert page.get_by_label("Hạn nộp báo cáo").input_value()  # prefilled
    page.get_by_role("button", name="Mở kỳ báo cáo").click()
    page.get_by_text(f"Đã mở kỳ báo cáo {period}.").wait_for()

    # The focal point of Sở KH&CN fills and sends a task report and a target report.
    log_in("dm.khcn", base + "don-vi/")
    task_card = page.get_by_role("article", name=TASK)
    task_card.get_by_label("Tình trạng").select_option(label="Hoàn thành")
    task_card.get_by_label("Phần trăm hoàn thành").fill("100")
    task_card.get_by_label("Thuyết minh kết quả").fill("Nền tảng LGSP đã kết nối 25 hệ thống.")
    task_card.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã gửi báo cáo.").wait_for()
    target_card = page.get_by_role("article", name=TARGET)
    target_card.get_by_label("Cấp tỉnh").fill("92")
    target_card.get_by_label("Cấp xã").fill("61,5")
    target_card.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã gửi báo cáo.").wait_for()
    assert page.get_by_role("article").count() == 0

    # The DX office returns the target report with a comment (HTMX, no page reload).
    log_in("cds", base + "ky-bao-cao/")
    review = page.locator("article", has_text=TARGET)
    review.get_by_text("Trả lại…").click()
    review.get_by_role("button", name="Trả lại cho đơn vị").click()  # no reason: refused (400), shown in place
    review.get_by_text("Vui lòng ghi rõ lý do trả lại báo cáo.").wait_for()
    review.get_by_label("Lý do trả lại").fill("Thiếu nguồn số liệu")
    review.get_by_role("button", name="Trả lại cho đơn vị").click()
    page.get_by_text("Đã trả lại báo cáo để đơn vị bổ sung.").wait_for()

    # The focal point sees the comment first, adds the source and sends again.
    log_in("dm.khcn", base + "don-vi/")
    returned = page.get_by_role("article", name=TARGET)
    assert "Thiếu nguồn số liệu" in returned.get_by_test_id("review-comment").inner_text()
    assert returned.get_by_label("Cấp xã").input_value() == "61,5"
    page.screenshot(path=SCREENSHOTS / "programme-inbox.png", full_page=True)
    returned.get_by_label("Nguồn số liệu").fill("Cổng dịch vụ công tỉnh")
    returned.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã gửi báo cáo.").wait_for()

    # The DX office approves both.
    log_in("cds", base + "ky-bao-cao/")
    for subject in (TASK, TARGET):
        page.locator("article", has_text=subject).get_by_role("button", name="Duyệt").click()
        page.locator("article", has_text=subject).get_by_text("Đã duyệt báo cáo.").wait_for()

    # The report of the round downloads as a Word document.
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Báo cáo kỳ {period}, tệp Word").click()
    assert download.value.suggested_filename == f"bao-cao-chuyen-doi-so-{period}.docx"

    # The overview quotes the new figures.
    page.goto(base)
    assert page.get_by_test_id("sentence").inner_text() == "1/2 mục tiêu hoàn thành, 1/2 nhiệm vụ hoàn thành"
    page.screenshot(path=SCREENSHOTS / "programme-overview.png", full_page=True)

    # The task list finds the task typed without diacritics, refreshed in place.
    page.goto(base + "nhiem-vu/")
    page.get_by_role("searchbox", name="Tìm nhiệm vụ").fill("nen tang")
    page.get_by_test_id("task-count").filter(has_text="1 nhiệm vụ").wait_for()
    assert page.get_by_role("link", name=TASK).is_visible()
    assert page.get_by_role("link", name="Thanh toán không dùng tiền mặt").count() == 0
    assert "q=nen%20tang" in page.url  # the filtered list has its own address


def test_the_columns_of_an_unknown_table_are_named_on_a_phone(page: Any, log_in: Any, scheme: dict[str, Any]) -> None:
    from tinhso.programme.models import ColumnMapping
    from tinhso.programme.tests.test_column_mapping import TABLE, _thai_binh

    log_in("cds", "/de-an/nhap/")
    page.get_by_label("Hoặc dán nội dung bảng").fill(_thai_binh(TABLE))
    page.get_by_role("button", name="Xem trước").click()
    mapping = page.get_by_test_id("column-mapping")
    mapping.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for column, role in (
        ("Cột 2: Công việc", "Tên nhiệm vụ"),
        ("Cột 3: Bộ phận làm", "Đơn vị chủ trì (theo dõi)"),
        ("Cột 4: Cùng làm", "Đơn vị phối hợp"),
        ("Cột 5: Năm", "Thời gian thực hiện"),
    ):
        mapping.get_by_label(column).select_option(label=role)
    page.screenshot(path=SCREENSHOTS / "programme-column-mapping.png", full_page=True)
    mapping.get_by_role("button", name="Áp dụng").click()
    page.get_by_text("Đã áp dụng và ghi nhớ khai báo cột").wait_for()
    assert page.get_by_test_id("column-mapping").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert ColumnMapping.objects.count() == 1


def test_the_import_preview_lists_the_rows_as_cards_on_a_phone(page: Any, log_in: Any, scheme: dict[str, Any]) -> None:
    from tinhso.programme.tests.test_import_preview import PASTED

    log_in("cds", "/de-an/nhap/")
    page.get_by_label("Nhập vào đề án").select_option(label=scheme["programme"].title)
    page.get_by_label("Hoặc dán nội dung bảng").fill(PASTED)
    page.get_by_role("button", name="Xem trước").click()
    tasks = page.get_by_test_id("preview-tasks")
    tasks.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = tasks.locator("li").first
    assert card.get_by_text("CQS90 · Phụ lục 5: Nền tảng LGSP").is_visible()
    assert card.get_by_text("chưa khớp").is_visible()  # "Hợp tác xã Quang Minh"
    page.screenshot(path=SCREENSHOTS / "programme-import-preview.png", full_page=True)


def test_sub_tasks_and_shared_codes_on_the_task_list_on_a_phone(page: Any, log_in: Any, scheme: dict[str, Any]) -> None:
    from tinhso.programme.models import Task

    parent = scheme["platform"]
    Task.objects.create(
        programme=parent.programme,
        pillar=parent.pillar,
        code="CQS1.1",
        parent=parent,
        kind="action",
        order=3,
        appendix="3",
        name="Kết nối hệ thống một cửa điện tử với nền tảng tích hợp",
        lead_agency=scheme["finance_task"].lead_agency,
    )
    Task.objects.create(
        programme=parent.programme, pillar=parent.pillar, code="CQS1", order=4, appendix="02", name="Nâng cấp nền tảng"
    )
    log_in("cds", f"/de-an/{parent.programme_id}/nhiem-vu/")
    page.get_by_test_id("task-totals").wait_for()
    assert "0/3 nhiệm vụ hoàn thành" in page.get_by_test_id("task-totals").inner_text()
    assert page.get_by_text("Nhiệm vụ con của CQS1").is_visible()
    assert page.get_by_text("Phụ lục 02").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_rejected_rows_are_cards_on_a_phone(page: Any, log_in: Any, scheme: dict[str, Any]) -> None:
    log_in("cds", "/de-an/nhap/")
    page.get_by_label("Hoặc dán nội dung bảng").fill("Chỉ là một ghi chú, không có bảng nào.")
    page.get_by_role("button", name="Xem trước").click()
    rejected = page.get_by_test_id("preview-rejected")
    rejected.wait_for()
    assert rejected.locator("li").count() >= 1
    assert rejected.get_by_text("Lý do").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("button", name="Nhập", exact=True).count() == 0
