"""Every path of a dossier through the citizen's and the officers' pages, in a real Chromium at
phone width.

The long path: a citizen files online; the desk receives it and asks for a supplement; the
citizen supplements; the handler reviews and uploads the draft result; the leader opens the
draft and approves, which signs and issues it; the desk cannot return the result while the fee
is due; the citizen pays through the gateway; the desk returns the result; the citizen
downloads the signed result, rates the service, and anyone can verify the result from its QR
address. The fee path: the desk records a fee paid elsewhere, then returns the result. The short
paths (refusal, transfer, apology, stop) start from a dossier under review and end with what
the citizen sees on their page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tinhso.onestop.conftest import submit_online, to_approval, to_review
from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.models import Dossier, DossierFile, DossierState, FeeWaiver, Payment, Rating
from tinhso.onestop.tests.factories import DocumentRequirementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media")]


def _open(page: Any, title: str) -> None:
    """Less frequent actions are folded away: unfold the one named ``title``."""
    page.locator("summary", has_text=title).click()


def _act(page: Any, button: str, done: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(done).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_online_dossier_with_supplement_signed_result_payment_and_rating(
    page: Any,
    log_in: Any,
    svc: Any,
    tmp_path: Path,
) -> None:
    # The citizen files the e-form.
    log_in("congdan", f"/dich-vu-cong/nop/{svc.procedure.code}/")
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(label=svc.centre.name)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số định danh cá nhân").fill("033095001234")
    page.get_by_label("Mục đích").select_option("Xin việc")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.get_by_text("Đã nộp hồ sơ").wait_for()
    dossier = Dossier.objects.get()
    citizen_page = f"/dich-vu-cong/ho-so/{dossier.pk}/"
    desk_page = f"/mot-cua/ho-so/{dossier.pk}/"

    # The desk receives it and asks for a supplement.
    log_in("motcua", "/mot-cua/")
    page.get_by_role("link", name=dossier.code).click()
    _act(page, "Tiếp nhận", "Đã tiếp nhận hồ sơ.")
    _open(page, "Yêu cầu bổ sung hồ sơ")
    page.get_by_label("Nội dung cần bổ sung").fill("Ghi rõ mục đích sử dụng phiếu")
    _act(page, "Gửi yêu cầu bổ sung", "Đã gửi yêu cầu bổ sung hồ sơ.")

    # The citizen reads the request and supplements.
    log_in("congdan", citizen_page)
    assert "Ghi rõ mục đích sử dụng phiếu" in page.get_by_test_id("supplement-request").inner_text()
    page.get_by_test_id("supplement-link").click()
    page.get_by_label("Mục đích").select_option("Du học")
    page.get_by_test_id("send-supplement").click()
    page.get_by_test_id("state").wait_for()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RECEIVED
    assert dossier.form_data["purpose"] == "Du học"

    # The desk forwards it to Sở Tư pháp; its leader assigns; the handler reviews and submits.
    log_in("motcua", desk_page)
    page.get_by_label("Chuyển đến cơ quan").select_option(str(svc.stp.pk))
    _act(page, "Chuyển xử lý", "Đã chuyển hồ sơ đến cơ quan xử lý.")
    log_in("lanhdao.stp", desk_page)
    page.get_by_label("Chuyên viên thụ lý").select_option(str(svc.handler.pk))
    _act(page, "Phân công", "Đã phân công hồ sơ.")
    log_in("chuyenvien.stp", desk_page)
    _act(page, "Bắt đầu thẩm định", "Đã bắt đầu thẩm định hồ sơ.")
    assert page.get_by_role("button", name="Trình phê duyệt", exact=True).is_disabled()  # no draft yet
    draft_pdf = tmp_path / "phieu-lltp.pdf"
    draft_pdf.write_bytes(sample_pdf("Phieu ly lich tu phap"))
    page.get_by_label("Dự thảo kết quả giải quyết (PDF)").set_input_files(str(draft_pdf))
    _act(page, "Tải lên dự thảo", "Đã lưu dự thảo kết quả.")
    _act(page, "Trình phê duyệt", "Đã trình lãnh đạo phê duyệt.")

    # The leader opens the draft, then approves: that draft is signed and issued.
    log_in("lanhdao.stp", desk_page)
    with page.expect_download() as download:
        page.get_by_test_id("draft-link").click()
    assert Path(download.value.path()).read_bytes() == draft_pdf.read_bytes()
    _act(page, "Phê duyệt", "Đã phê duyệt hồ sơ. Dự thảo kết quả đã được ký số và phát hành.")
    result = DossierFile.objects.get(dossier=dossier, kind="result")
    assert result.signed
    assert result.file.read().startswith(draft_pdf.read_bytes())  # the signature is an incremental update

    # The fee is due: the desk cannot return the result yet, and says why.
    log_in("motcua", desk_page)
    assert page.get_by_role("button", name="Trả kết quả", exact=True).is_disabled()
    assert "còn phí, lệ phí 200.000 đồng chưa thu" in page.get_by_test_id("blocked-return_result").inner_text()
    assert "chưa thu" in page.get_by_test_id("fee-status").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The citizen sees what is owed and pays it through the gateway.
    log_in("congdan", citizen_page)
    assert "200.000 đồng" in page.get_by_test_id("fee-due").inner_text()
    assert "chưa nộp" in page.get_by_test_id("fee-state").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("pay").click()
    page.get_by_role("button", name="Thanh toán thành công").click()
    page.get_by_text("BL-").first.wait_for()
    payment = Payment.objects.get(dossier=dossier)
    assert payment.state == "paid"
    assert payment.receipt_number.startswith(f"BL-{timezone.localdate().year}-")

    # The desk returns the result.
    log_in("motcua", desk_page)
    _act(page, "Trả kết quả", "Đã trả kết quả cho người nộp.")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_RETURNED

    # The citizen downloads the signed result and rates the service.
    log_in("congdan", citizen_page)
    with page.expect_download() as download:
        page.get_by_test_id("result").click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    page.get_by_test_id("rate-link").click()
    page.get_by_label("Rất hài lòng").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_test_id("rating").wait_for()
    assert Rating.objects.get(dossier=dossier).score == 5

    # Anyone who scans the QR code sees the verdict, and no personal data.
    page.context.clear_cookies()
    page.goto(f"/xac-minh/{result.verification_token}/")
    text = page.locator("main").inner_text()
    assert "Chữ ký số hợp lệ" in text or "chữ ký số hợp lệ" in text
    assert dossier.code in text
    assert "Nguyễn Văn An" not in page.content()
    assert "033095001234" not in page.content()


def test_the_desk_records_a_fee_paid_elsewhere_then_returns_the_result(page: Any, log_in: Any, svc: Any) -> None:
    dossier = to_approval(svc, to_review(svc, submit_online(svc, "fee-1")))
    desk_page = f"/mot-cua/ho-so/{dossier.pk}/"
    log_in("lanhdao.stp", desk_page)  # signing runs its own event loop: not from this thread, beside Playwright's
    assert "du-thao.pdf" in page.get_by_test_id("draft").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _act(page, "Phê duyệt", "Đã phê duyệt hồ sơ. Dự thảo kết quả đã được ký số và phát hành.")

    log_in("motcua", desk_page)
    assert page.get_by_role("button", name="Trả kết quả", exact=True).is_disabled()
    _open(page, "Ghi nhận miễn phí hoặc đã thu ngoài hệ thống")
    page.get_by_label("Lý do không thu phí trực tuyến").select_option("paid_elsewhere")
    page.get_by_label("Căn cứ, ghi chú").fill("Nộp tại Kho bạc Nhà nước tỉnh")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the disabled return and its reason too
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    page.get_by_test_id("action-error").wait_for()  # the receipt number is missing: nothing recorded
    assert "số biên lai" in page.get_by_test_id("action-error").inner_text()
    assert not FeeWaiver.objects.exists()
    page.get_by_label("Số biên lai (khi đã thu trực tiếp)").fill("KB-0042")
    _act(page, "Ghi nhận", "Đã ghi nhận phí, lệ phí của hồ sơ.")
    assert "đã thu trực tiếp (biên lai KB-0042)" in page.get_by_test_id("fee-status").inner_text()
    _act(page, "Trả kết quả", "Đã trả kết quả cho người nộp.")
    waiver = FeeWaiver.objects.get(dossier=dossier)
    assert (waiver.reason, waiver.receipt_number, waiver.recorded_by) == ("paid_elsewhere", "KB-0042", svc.receiver)

    log_in("congdan", f"/dich-vu-cong/ho-so/{dossier.pk}/")
    assert page.get_by_test_id("fee-state").inner_text() == "Đã thu trực tiếp (ngoài hệ thống), biên lai số KB-0042"
    assert page.get_by_test_id("pay").count() == 0
    assert page.get_by_test_id("fee-due").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _refuse(page: Any, log_in: Any, svc: Any, dossier: Dossier) -> str:
    log_in("lanhdao.stp", f"/mot-cua/ho-so/{dossier.pk}/")
    _open(page, "Từ chối giải quyết")
    page.get_by_label("Lý do từ chối").fill("Người yêu cầu không thuộc đối tượng được cấp")
    _act(page, "Từ chối", "Đã từ chối giải quyết hồ sơ.")
    return "Người yêu cầu không thuộc đối tượng được cấp"


def _transfer(page: Any, log_in: Any, svc: Any, dossier: Dossier) -> str:
    log_in("lanhdao.stp", f"/mot-cua/ho-so/{dossier.pk}/")
    _open(page, "Chuyển liên thông")
    page.get_by_label("Cơ quan phối hợp (liên thông)").select_option(str(svc.sct.pk))
    page.get_by_label("Thời gian của cơ quan phối hợp (ngày làm việc)").fill("3")
    _act(page, "Chuyển liên thông", "Đã chuyển liên thông hồ sơ.")
    return svc.sct.name


def _apologise(page: Any, log_in: Any, svc: Any, dossier: Dossier) -> str:
    new_day = timezone.localtime(dossier.due_at).date() + dt.timedelta(days=7)
    log_in("lanhdao.stp", f"/mot-cua/ho-so/{dossier.pk}/")
    _open(page, "Xin lỗi và hẹn lại ngày trả")
    page.get_by_label("Ngày hẹn trả mới").fill(new_day.isoformat())
    page.get_by_label("Giờ hẹn trả").fill("16:00")
    page.get_by_label("Lý do chậm trả kết quả").fill("Cần xác minh thêm tại cơ quan công an")
    _act(page, "Hẹn lại ngày trả", "Đã hẹn lại ngày trả kết quả.")
    return f"{new_day:%d/%m/%Y} 16:00"


def _stop(page: Any, log_in: Any, svc: Any, dossier: Dossier) -> str:
    log_in("congdan", f"/dich-vu-cong/ho-so/{dossier.pk}/")
    _open(page, "Đề nghị dừng xử lý hồ sơ")
    page.get_by_label("Lý do").fill("Tôi không còn nhu cầu")
    page.get_by_test_id("stop").click()
    page.get_by_test_id("state").wait_for()
    return "Tôi không còn nhu cầu"


PATHS = {
    "refusal": (_refuse, DossierState.REFUSED),
    "transfer": (_transfer, DossierState.TRANSFERRED),
    "apology": (_apologise, DossierState.UNDER_REVIEW),
    "stop": (_stop, DossierState.STOPPED),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_short_paths_end_where_the_citizen_sees_them(page: Any, log_in: Any, svc: Any, path: str) -> None:
    act, state = PATHS[path]
    dossier = to_review(svc, submit_online(svc, "path-1"))
    shown = act(page, log_in, svc, dossier)
    dossier.refresh_from_db()
    assert dossier.state == state
    log_in("congdan", f"/dich-vu-cong/ho-so/{dossier.pk}/")
    assert page.get_by_test_id("state").inner_text() == str(DossierState(state).label)
    assert shown in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_uploads_are_named_by_their_content_and_active_content_is_refused_in_the_browser(
    page: Any,
    log_in: Any,
    svc: Any,
    tmp_path: Path,
) -> None:
    """A citizen files with a PDF called payload.exe: the page lists and Chromium saves it as
    payload.pdf. A Word file carrying a program is refused on the page with the reason."""
    from tinhso.core.tests.test_uploads import EXE, docx, with_members

    DocumentRequirementFactory(procedure=svc.procedure, name="Đơn đề nghị", order=1)
    (tmp_path / "don.docx").write_bytes(with_members(docx(), {"word/media/image1.png": EXE}))
    (tmp_path / "payload.exe").write_bytes(sample_pdf("Don de nghi"))

    log_in("congdan", f"/dich-vu-cong/nop/{svc.procedure.code}/")

    def fill(upload: Path) -> None:
        page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(label=svc.centre.name)
        page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
        page.get_by_label("Số định danh cá nhân").fill("033095001234")
        page.get_by_label("Mục đích").select_option("Xin việc")
        page.get_by_label("Đơn đề nghị").set_input_files(str(upload))
        page.get_by_role("button", name="Nộp hồ sơ").click()

    fill(tmp_path / "don.docx")
    page.get_by_text("Tệp Word/Excel có chứa chương trình hoặc đối tượng nhúng “word/media/image1.png”").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert (Dossier.objects.count(), DossierFile.objects.count()) == (0, 0)

    fill(tmp_path / "payload.exe")
    page.get_by_text("Đã nộp hồ sơ").wait_for()
    dossier = Dossier.objects.get()
    page.goto(f"/dich-vu-cong/ho-so/{dossier.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="payload.pdf").click()
    assert download.value.suggested_filename == "payload.pdf"
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
