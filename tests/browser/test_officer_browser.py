"""A dossier's whole life at the one-stop shop in a real Chromium, at phone width: the desk
receives it at the counter, forwards it to Sở Tư pháp, whose leader assigns it from the queue,
whose handler reviews it, the leader approves, and the desk returns the result."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.models import Dossier, DossierState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(tempfile.gettempdir())


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_counter_receipt_to_returned_result(page: Any, log_in: Any, svc: Any, media: Any) -> None:
    # The desk of the centre receives a dossier at the counter; the e-form appears with HTMX.
    log_in("motcua", "/mot-cua/tiep-nhan/")
    page.get_by_label("Thủ tục hành chính").select_option(str(svc.procedure.pk))
    eform = page.get_by_test_id("eform")
    eform.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Họ và tên người nộp").fill("Nguyễn Văn An")
    eform.get_by_label("Số định danh cá nhân").fill("12345")  # wrong: refused in place, nothing saved
    eform.get_by_label("Mục đích").select_option("Du học")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.get_by_text("phải là số định danh cá nhân gồm 12 chữ số").wait_for()
    assert not Dossier.objects.exists()
    page.get_by_test_id("eform").get_by_label("Số định danh cá nhân").fill("033095001234")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.get_by_text(re.compile(r"Đã tiếp nhận hồ sơ H31\.01-\d{6}-\d{4}")).wait_for()
    dossier = Dossier.objects.get()
    assert page.get_by_test_id("print-receipt").is_visible()
    _fits(page)
    page.screenshot(path=SCREENSHOTS / "officer-dossier.png", full_page=True)

    # …and forwards it to Sở Tư pháp.
    page.get_by_label("Chuyển đến cơ quan").select_option(str(svc.stp.pk))
    page.get_by_role("button", name="Chuyển xử lý").click()
    page.get_by_text("Đã chuyển hồ sơ đến cơ quan xử lý.").wait_for()

    # The department's leader assigns it from the queue (bulk form, one ticked).
    log_in("lanhdao.stp", "/mot-cua/")
    page.get_by_test_id("tab-approve").click()  # tabs switch with HTMX, the address follows
    page.get_by_test_id("queue-empty").wait_for()
    page.wait_for_url("**/mot-cua/?hang=approve")
    page.get_by_test_id("tab-assign").click()
    page.get_by_label(f"Chọn hồ sơ {dossier.code}").check()
    page.get_by_label("Chuyên viên thụ lý").select_option(str(svc.handler.pk))
    page.get_by_role("button", name="Phân công các hồ sơ đã chọn").click()
    page.get_by_text("Đã phân công 1 hồ sơ").wait_for()
    _fits(page)

    # The handler finds it in their queue, reviews it and submits it for approval.
    log_in("chuyenvien.stp", "/mot-cua/")
    assert page.get_by_test_id("applicant").first.inner_text() == "N. V. An"  # masked in the list
    page.get_by_role("link", name=dossier.code).click()
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    page.get_by_text("Đã bắt đầu thẩm định hồ sơ.").wait_for()
    draft = Path(tempfile.mkdtemp()) / "phieu-lltp.pdf"
    draft.write_bytes(sample_pdf("Phieu ly lich tu phap"))
    page.get_by_label("Dự thảo kết quả giải quyết (PDF)").set_input_files(str(draft))
    page.get_by_role("button", name="Tải lên dự thảo").click()
    page.get_by_text("Đã lưu dự thảo kết quả.").wait_for()
    page.get_by_label("Ý kiến trình").fill("Đủ điều kiện cấp phiếu.")
    page.get_by_role("button", name="Trình phê duyệt").click()
    page.get_by_text("Đã trình lãnh đạo phê duyệt.").wait_for()

    # The leader approves from the approval queue.
    log_in("lanhdao.stp", "/mot-cua/?hang=approve")
    page.get_by_role("link", name=dossier.code).click()
    page.get_by_role("button", name="Phê duyệt").click()
    page.get_by_text("Đã phê duyệt hồ sơ.").wait_for()

    # The desk collects the fee at the counter, then returns the result.
    log_in("motcua", "/mot-cua/?hang=return")
    page.get_by_role("link", name=dossier.code).click()
    assert page.get_by_role("button", name="Trả kết quả").is_disabled()
    page.locator("summary", has_text="Thu phí, lệ phí tại quầy").click()
    page.get_by_role("button", name="Xác nhận đã thu và cấp biên lai").click()
    page.get_by_text("Đã ghi nhận thu phí, lệ phí tại quầy.").wait_for()
    page.get_by_role("button", name="Trả kết quả").click()
    page.get_by_text("Đã trả kết quả cho người nộp.").wait_for()
    assert page.get_by_test_id("state").inner_text() == str(DossierState.RESULT_RETURNED.label)
    timeline = page.get_by_test_id("timeline").inner_text()
    for step in (
        "Tiếp nhận tại quầy",
        "Chuyển xử lý",
        "Phân công thụ lý",
        "Bắt đầu thẩm định",
        "Trình phê duyệt",
        "Phê duyệt",
        "Trả kết quả",
    ):
        assert step in timeline
    _fits(page)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_RETURNED

    # The desk prints the process-control sheet: every handover, each step judged on time.
    with page.expect_download() as download:
        page.get_by_test_id("form-process_control").get_by_role("link", name="Word").click()
    sheet = Document(download.value.path())
    handovers = [row.cells[1].text for row in sheet.tables[1].rows[1:]]
    assert len(handovers) == 6  # receive, forward, assign, submit, approve, return
    assert handovers[-1].endswith("Nguyễn Văn An (tổ chức, cá nhân)")

    # …and downloads the day's register, where the dossier has its line.
    page.get_by_role("link", name="Sổ theo dõi hồ sơ").click()
    today = timezone.localdate().isoformat()
    page.get_by_label("Từ ngày").fill(today)
    page.get_by_label("Đến ngày").fill(today)
    _fits(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải sổ theo dõi (Excel)").click()
    register = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active  # no .xlsx name
    assert [register.cell(row=6, column=column).value for column in (2, 5)] == [dossier.code, "N. V. An"]
