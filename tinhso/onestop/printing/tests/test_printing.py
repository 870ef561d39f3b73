"""The one-stop shop's printable forms: their content, when each exists, and who may download it."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document

from tinhso.core.errors import Conflict, NotFound
from tinhso.onestop.conftest import GOOD_FORM, at, draft_upload, pay_at_counter, submit_online, to_approval, to_review
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier
from tinhso.onestop.printing import documents as printing
from tinhso.onestop.tests.factories import DocumentRequirementFactory
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _text(content: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line (python-docx must open it)."""
    document = Document(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def _words(text: str) -> str:
    return " ".join(text.split())


def _local(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


@pytest.fixture
def counter(svc: Any, clock: Any) -> Dossier:
    """A dossier handed in at the Hưng Yên centre on Monday 02/03/2026 at 09:00."""
    DocumentRequirementFactory(procedure=svc.procedure, name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", order=1)
    DocumentRequirementFactory(procedure=svc.procedure, name="Bản chụp căn cước", order=2, copies=2)
    DocumentRequirementFactory(procedure=svc.procedure, name="Giấy ủy quyền", required=False, order=3)
    Person.objects.filter(pk=svc.receiver.pk).update(full_name="Trần Thị Bình")
    return S.dossier_receive_at_counter(
        actor=svc.receiver,
        agency=svc.centre,
        procedure=svc.procedure,
        applicant_name="Nguyễn Văn An",
        applicant_personal_id="033095001234",
        applicant_phone="0912345678",
        form_data=GOOD_FORM,
    )


@pytest.fixture
def online(svc: Any, clock: Any) -> Dossier:
    """The citizen's online dossier, received, forwarded to Sở Tư pháp, under review."""
    return to_review(svc, submit_online(svc, "in-1"))


def _form(dossier: Dossier, kind: str, issued: str, *lines: str, signed: str = "") -> str:
    """The text of a dossier's form ``kind``, checked for what every such form carries (the dossier's
    code, "Hưng Yên, ``issued``"), for each of ``lines`` and, given ``signed``, for the signature block
    it ends with."""
    text = _words(_text(printing.dossier_form_docx(dossier, kind, full=True)))
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert f"Hưng Yên, {issued}" in text
    for line in lines:
        assert line in text
    assert text.endswith(signed)
    return text


# --- content -----------------------------------------------------------------------------------


def test_the_receipt_has_the_code_the_applicant_the_components_and_the_appointment(svc: Any, counter: Dossier) -> None:
    content = printing.dossier_form_docx(counter, "receipt", full=True)
    document = Document(io.BytesIO(content))
    text = _words(_text(content))
    assert counter.code.startswith("H31.01-260302-")
    assert f"Mã hồ sơ: {counter.code}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN" in text  # the body above the centre
    assert counter.receiving_agency.name.upper() in text
    assert "Hưng Yên, ngày 02 tháng 3 năm 2026" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    # The applicant's own slip: full name and contacts, not the ID number.
    assert "tiếp nhận hồ sơ của: Nguyễn Văn An" in text
    assert "Số điện thoại: 0912345678" in text
    assert "033095001234" not in text
    assert svc.procedure.name in text
    assert "Hình thức nộp hồ sơ: Trực tiếp" in text
    assert "4. Thời gian nhận hồ sơ: 09:00 ngày 02/03/2026" in text
    assert counter.original_due_at is not None
    assert counter.original_due_at > at("2026-03-13")
    assert f"5. Thời gian trả kết quả giải quyết hồ sơ: {_local(counter.original_due_at)}" in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định: 10 ngày làm việc" in text
    assert "7. Phí, lệ phí: 200.000 đồng" in text
    components = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert components == [
        ["STT", "Tên giấy tờ", "Hình thức", "Số lượng"],
        ["1", "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "Bản giấy", "01"],
        ["2", "Bản chụp căn cước", "Bản giấy", "02"],
    ]
    signatures = [cell.text.split("\n") for cell in document.tables[-1].rows[0].cells]
    assert signatures[0][0] == "NGƯỜI NỘP HỒ SƠ"
    assert signatures[0][-1] == "Nguyễn Văn An"
    assert signatures[1][0] == "NGƯỜI TIẾP NHẬN HỒ SƠ"
    assert signatures[1][-1] == "Trần Thị Bình"
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.left_margin, section.right_margin, section.top_margin)
    assert [round(size.mm) for size in sizes] == [210, 297, 30, 15, 20]  # A4, Decree 30 margins
    assert {run.font.name for paragraph in document.paragraphs for run in paragraph.runs} == {"Times New Roman"}


def test_the_receipt_of_an_online_dossier_names_the_desk_officer_and_the_channel(svc: Any, online: Dossier) -> None:
    text = _words(_text(printing.dossier_form_docx(online, "receipt", full=True)))
    assert "Hình thức nộp hồ sơ: Trực tuyến" in text
    assert "NGƯỜI NỘP HỒ SƠ" not in text  # nobody signs at a desk for an online dossier
    assert text.endswith("NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Người Thử")
    assert "Tờ khai Bản điện tử 01" in text


def test_forms_are_in_vietnamese_whatever_the_language_of_the_person_printing(counter: Dossier) -> None:
    with translation.override("en"):
        text = _words(_text(printing.dossier_form_docx(counter, "receipt", full=True)))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Hình thức nộp hồ sơ: Trực tiếp" in text


def test_the_supplement_request_says_what_to_add_and_which_request_it_is(svc: Any, clock: Any, online: Dossier) -> None:
    clock.set(at("2026-03-03", 10, 15))
    dossier = S.dossier_request_supplement(actor=svc.handler, dossier=online, reason="Thiếu bản sao căn cước")
    first = _words(_text(printing.dossier_form_docx(dossier, "supplement_request", full=True)))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ (Lần thứ 1)" in first
    assert "Thiếu bản sao căn cước" in first
    clock.set(at("2026-03-05", 8, 0))
    dossier = S.dossier_supplement(actor=svc.citizen, dossier=dossier, form_data={})
    clock.set(at("2026-03-06", 14, 30))
    dossier = S.dossier_request_supplement(
        actor=svc.handler, dossier=dossier, reason="Ảnh chụp giấy khai sinh bị mờ, đề nghị chụp lại"
    )
    text = _form(
        dossier,
        "supplement_request",
        "ngày 06 tháng 3 năm 2026",
        "(Lần thứ 2)",
        "Ngày tiếp nhận hồ sơ: 02/03/2026",
        "lần thứ 2 gồm những nội dung sau: Ảnh chụp giấy khai sinh bị mờ, đề nghị chụp lại",
        svc.stp.name.upper(),  # issued by the handling department
        signed="NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Người Thử",
    )
    assert "Thiếu bản sao căn cước" not in text  # the latest request only
    assert "Yêu cầu bổ sung lần thứ 2:" not in text  # the event's prefix is not repeated


def test_the_refusal_gives_the_reason(svc: Any, clock: Any, online: Dossier) -> None:
    Person.objects.filter(pk=svc.approver.pk).update(full_name="Lê Văn Cường", title="Phó Giám đốc")
    clock.set(at("2026-03-10", 16, 5))
    dossier = S.dossier_refuse(
        actor=svc.approver, dossier=online, reason="Người yêu cầu không thuộc đối tượng được cấp"
    )
    _form(
        dossier,
        "refusal",
        "ngày 10 tháng 3 năm 2026",
        "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        "Ngày tiếp nhận hồ sơ: 02/03/2026",
        "lý do cụ thể như sau: Người yêu cầu không thuộc đối tượng được cấp",
        signed="PHÓ GIÁM ĐỐC (Ký và ghi rõ họ tên) Lê Văn Cường",
    )
    # Still printable after the result (the refusal) was handed back.
    dossier = S.dossier_return_result(actor=svc.receiver, dossier=dossier)
    assert printing.form_available(dossier, "refusal")


def test_the_apology_gives_the_reason_and_the_old_and_new_return_dates(svc: Any, clock: Any, online: Dossier) -> None:
    old_due = online.due_at
    assert old_due is not None
    clock.set(at("2026-03-09", 10, 0))
    dossier = S.dossier_apologise(
        actor=svc.approver,
        dossier=online,
        new_due_at=at("2026-03-27", 16, 30),
        reason="Cần xác minh thêm tại địa phương nơi cư trú",
    )
    _form(
        dossier,
        "apology",
        "ngày 09 tháng 3 năm 2026",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Ngày 02/03/2026,",
        f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {_local(old_due)}",
        "Lý do: Cần xác minh thêm tại địa phương nơi cư trú",
        "trả kết quả giải quyết hồ sơ vào 16:30 ngày 27/03/2026.",
        "(Ký, ghi rõ họ tên và đóng dấu)",
    )


def test_the_apology_shows_the_date_it_replaced_even_after_a_supplement_moved_it(
    svc: Any, clock: Any, online: Dossier
) -> None:
    clock.set(at("2026-03-03", 9))
    dossier = S.dossier_request_supplement(actor=svc.handler, dossier=online, reason="Thiếu bản sao")
    clock.set(at("2026-03-05", 9))
    dossier = S.dossier_supplement(actor=svc.citizen, dossier=dossier, form_data={})
    moved = dossier.due_at
    assert moved is not None
    assert dossier.original_due_at is not None
    assert moved > dossier.original_due_at
    clock.set(at("2026-03-06", 9))
    dossier = S.dossier_apologise(
        actor=svc.approver, dossier=dossier, new_due_at=moved + dt.timedelta(days=7), reason="Chờ kết quả xác minh"
    )
    text = _words(_text(printing.dossier_form_docx(dossier, "apology", full=True)))
    assert f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {_local(moved)}" in text
    assert f"trả kết quả giải quyết hồ sơ vào {_local(moved + dt.timedelta(days=7))}." in text


def test_the_stop_notice_gives_the_reason(svc: Any, clock: Any, online: Dossier) -> None:
    clock.set(at("2026-03-04", 11, 20))
    dossier = S.dossier_stop(actor=svc.citizen, dossier=online, reason="Không còn nhu cầu cấp phiếu")
    _form(
        dossier,
        "stop_notice",
        "ngày 04 tháng 3 năm 2026",
        "THÔNG BÁO Về việc dừng xử lý hồ sơ",
        "Theo đề nghị của ông/bà/tổ chức Nguyễn Văn An",
        "Lý do dừng xử lý: Không còn nhu cầu cấp phiếu",
        "Thời điểm dừng xử lý: 11:20 ngày 04/03/2026",
        signed="LÃNH ĐẠO CƠ QUAN (Ký và ghi rõ họ tên)",
    )  # the applicant asked: no officer named


def _rows(content: bytes) -> list[list[str]]:
    """The rows of the process-control sheet's table, each cell's lines joined by " | "."""
    table = Document(io.BytesIO(content)).tables[1]
    return [[" | ".join(cell.text.split("\n")) for cell in row.cells] for row in table.rows]


def test_the_process_control_sheet_follows_the_dossier_from_hand_to_hand(svc: Any, clock: Any, media: Any) -> None:
    for person, name in ((svc.receiver, "Trần Thị Bình"), (svc.approver, "Lê Văn Cường"), (svc.handler, "Phạm Thu Hà")):
        Person.objects.filter(pk=person.pk).update(full_name=name)
    receiver, approver, handler = (Person.objects.get(pk=p.pk) for p in (svc.receiver, svc.approver, svc.handler))
    dossier = S.dossier_receive(actor=receiver, dossier=submit_online(svc, "pc-1"))  # Monday 02/03 09:00
    clock.set(at("2026-03-02", 10))
    dossier = S.dossier_forward(actor=receiver, dossier=dossier, to_agency=svc.stp)  # 1 h of its half day
    clock.set(at("2026-03-03", 15))
    dossier = S.dossier_assign(actor=approver, dossier=dossier, assignee=handler)  # over its half day
    clock.set(at("2026-03-04", 9))
    dossier = S.dossier_start_review(actor=handler, dossier=dossier)
    dossier = S.dossier_request_supplement(actor=handler, dossier=dossier, reason="Thiếu ảnh chân dung")
    clock.set(at("2026-03-09", 9))
    dossier = S.dossier_supplement(actor=svc.citizen, dossier=dossier, form_data={})
    clock.set(at("2026-03-10", 9))
    draft_upload(svc, dossier, actor=handler)  # not a handover: no row of its own
    dossier = S.dossier_submit_for_approval(actor=handler, dossier=dossier)  # 6 days allowed, the wait excluded
    clock.set(at("2026-03-10", 16))
    dossier = S.dossier_approve(actor=approver, dossier=dossier)
    clock.set(at("2026-03-11", 9))
    pay_at_counter(svc, dossier)
    dossier = S.dossier_return_result(actor=receiver, dossier=dossier)

    content = printing.dossier_form_docx(dossier, "process_control", full=True)
    assert dossier.original_due_at is not None
    text = _form(
        dossier,
        "process_control",
        "ngày 02 tháng 3 năm 2026",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ (Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)",
        "Người nộp hồ sơ: Nguyễn Văn An",
        f"Cơ quan tiếp nhận hồ sơ: {svc.centre.name}",
        f"Cơ quan giải quyết hồ sơ: {svc.stp.name}",
        f"Thời hạn giải quyết: 10 ngày làm việc, hẹn trả kết quả {_local(dossier.original_due_at)}",
        "Phiếu lập từ nhật ký xử lý hồ sơ trên hệ thống, đến 09:00 ngày 11/03/2026",
    )
    assert "chân dung" in text
    desk, stp = f"Trần Thị Bình, {svc.centre.name}", svc.stp.name
    applicant = "Nguyễn Văn An (tổ chức, cá nhân)"
    assert _rows(content) == [
        ["STT", "Giao, nhận hồ sơ", "Thời gian", "Kết quả (trước hạn/ đúng hạn/ quá hạn)", "Ghi chú"],
        ["1", f"Giao: {applicant} | Nhận: {desk}", "09:00 | 02/03/2026", "", "Tiếp nhận."],
        [
            "2",
            f"Giao: {desk} | Nhận: Lê Văn Cường, {stp}",
            "10:00 | 02/03/2026",
            "Đúng hạn",
            f"Chuyển xử lý. Chuyển đến {stp}.",
        ],
        [
            "3",
            f"Giao: Lê Văn Cường, {stp} | Nhận: Phạm Thu Hà, {stp}",
            "15:00 | 03/03/2026",
            "Quá hạn",
            "Phân công thụ lý.",
        ],
        [
            "4",
            f"Giao: Phạm Thu Hà, {stp} | Nhận: {applicant}",
            "09:00 | 04/03/2026",
            "",
            "Yêu cầu bổ sung. Thiếu ảnh chân dung",
        ],
        [
            "5",
            f"Giao: {applicant} | Nhận: Phạm Thu Hà, {stp}",
            "09:00 | 09/03/2026",
            "",
            "Bổ sung hồ sơ. Thời gian chờ bổ sung: 3 ngày làm việc.",
        ],
        [
            "6",
            f"Giao: Phạm Thu Hà, {stp} | Nhận: Lê Văn Cường, {stp}",
            "09:00 | 10/03/2026",
            "Trước hạn",
            "Trình phê duyệt.",
        ],
        ["7", f"Giao: Lê Văn Cường, {stp} | Nhận: {desk}", "16:00 | 10/03/2026", "Trước hạn", "Phê duyệt."],
        ["8", f"Giao: {desk} | Nhận: {applicant}", "09:00 | 11/03/2026", "Trước hạn", "Trả kết quả."],
    ]


def test_the_process_control_sheet_judges_a_late_dossier_by_the_date_its_apology_replaced(
    svc: Any, clock: Any, online: Dossier, media: Any
) -> None:
    old_due = online.due_at
    assert old_due is not None
    clock.set(at("2026-03-12", 9))
    dossier = S.dossier_apologise(
        actor=svc.approver, dossier=online, new_due_at=old_due + dt.timedelta(days=7), reason="Chờ xác minh"
    )
    dossier = to_approval(svc, dossier)
    dossier = S.dossier_approve(actor=svc.approver, dossier=dossier)
    clock.set(old_due + dt.timedelta(days=3))  # before the new date, after the one it replaced
    pay_at_counter(svc, dossier)
    dossier = S.dossier_return_result(actor=svc.receiver, dossier=dossier)
    rows = _rows(printing.dossier_form_docx(dossier, "process_control", full=True))
    assert rows[-1][3] == "Quá hạn"
    assert rows[-1][4] == "Trả kết quả."
    assert "Xin lỗi" not in " ".join(row[4] for row in rows)  # the apology is its own form, not a handover


# --- which forms exist -------------------------------------------------------------------------


def _available(dossier: Dossier) -> set[str]:
    return {kind for kind in printing.FORM_KINDS if printing.form_available(dossier, kind)}


def test_each_form_exists_only_once_the_history_gives_rise_to_it(svc: Any, clock: Any) -> None:
    dossier = submit_online(svc, "in-2")
    assert _available(dossier) == set()
    dossier = S.dossier_receive(actor=svc.receiver, dossier=dossier)
    assert _available(dossier) == {"receipt", "process_control"}
    dossier = S.dossier_request_supplement(actor=svc.receiver, dossier=dossier, reason="Thiếu ảnh")
    assert _available(dossier) == {"receipt", "process_control", "supplement_request"}
    clock.set(at("2026-03-03"))
    dossier = S.dossier_supplement(actor=svc.citizen, dossier=dossier, form_data={})
    dossier = S.dossier_forward(actor=svc.receiver, dossier=dossier, to_agency=svc.stp)
    dossier = S.dossier_apologise(actor=svc.approver, dossier=dossier, new_due_at=at("2026-05-04"), reason="Chậm")
    assert _available(dossier) == {"receipt", "process_control", "supplement_request", "apology"}
    dossier = S.dossier_stop(actor=svc.citizen, dossier=dossier, reason="Thôi")
    assert _available(dossier) == {"receipt", "process_control", "supplement_request", "apology", "stop_notice"}
    assert not printing.form_available(dossier, "no_such_form")


def test_an_unavailable_or_unknown_form_is_refused(counter: Dossier) -> None:
    with pytest.raises(Conflict, match="không bị từ chối giải quyết"):
        printing.dossier_form_docx(counter, "refusal", full=True)
    with pytest.raises(Conflict, match="chưa được hẹn lại ngày trả kết quả"):
        printing.dossier_form_docx(counter, "apology", full=True)
    with pytest.raises(NotFound):
        printing.dossier_form_docx(counter, "phieu_kiem_soat", full=True)


# --- download ----------------------------------------------------------------------------------


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _url(dossier: Dossier, kind: str = "receipt", fmt: str = "docx") -> str:
    return reverse("print:form", args=[dossier.pk, kind, fmt])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by scripts/setup.sh")
def test_the_applicant_downloads_the_receipt_as_a_pdf_made_by_libreoffice(svc: Any, online: Dossier) -> None:
    response = _client(svc.citizen).get(_url(online, fmt="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="giay-tiep-nhan-ho-so-va-hen-tra-ket-qua-{online.code}.pdf"; '
        f"filename*=UTF-8''{quote(f'Giấy tiếp nhận hồ sơ và hẹn trả kết quả {online.code}.pdf', safe='')}"
    )
    assert response["Cache-Control"] == "private, no-store"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the slip fits on one A4 page
    if shutil.which("pdftotext") is None:
        return  # poppler-utils is optional: the checks below need it
    info = subprocess.run(
        ["pdfinfo", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.decode()
    assert re.search(r"^Producer:\s+LibreOffice", info, re.MULTILINE)
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info, re.MULTILINE)
    text = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.decode()
    words = _words(text)
    assert online.code in words
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in words
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words


def test_the_applicant_and_the_officers_in_reach_download_the_form(svc: Any, online: Dossier) -> None:
    for person in (svc.citizen, svc.receiver, svc.handler, svc.approver):
        response = _client(person).get(_url(online))
        assert response.status_code == 200, person.username
        assert response["Content-Type"] == DOCX
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="giay-tiep-nhan-ho-so-va-hen-tra-ket-qua-{online.code}.docx"; '
            "filename*=UTF-8''Gi%E1%BA%A5y%20ti%E1%BA%BFp%20nh%E1%BA%ADn"
        )
        assert online.code in _text(response.content)


def test_the_process_control_sheet_is_for_the_officers_not_the_applicant(svc: Any, online: Dossier) -> None:
    for person in (svc.receiver, svc.handler, svc.approver):
        response = _client(person).get(_url(online, "process_control"))
        assert response.status_code == 200, person.username
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="phieu-kiem-soat-qua-trinh-giai-quyet-ho-so-{online.code}.docx"'
        )
    response = _client(svc.citizen).get(_url(online, "process_control"))
    assert response.status_code == 404
    assert "Không có mẫu phiếu này." in response.content.decode()
    page = _client(svc.citizen).get(reverse("citizen:dossier", args=[online.pk])).content.decode()
    assert _url(online, "receipt", "pdf") in page
    assert _url(online, "process_control", "pdf") not in page
    api = _client(svc.citizen).get(f"/api/services/dossiers/{online.pk}/forms/process_control.docx")
    assert api.status_code == 404
    assert _client(svc.handler).get(f"/api/services/dossiers/{online.pk}/forms/process_control.docx").status_code == 200


def test_nobody_else_learns_that_the_dossier_exists(svc: Any, online: Dossier) -> None:
    missing = reverse("print:form", args=[online.pk + 1000, "receipt", "docx"])
    for person in (svc.other_citizen, svc.sct_officer, svc.sct_approver):
        client = _client(person)
        for url in (_url(online), _url(online, "refusal"), missing):
            response = client.get(url)
            assert response.status_code == 404, (person.username, url)
            assert "Không tìm thấy hồ sơ." in response.content.decode()
    anonymous = Client().get(_url(online))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(f"{reverse(settings.LOGIN_URL)}?next=")


def test_a_form_the_history_does_not_allow_is_a_conflict_and_an_unknown_one_not_found(
    svc: Any, online: Dossier
) -> None:
    client = _client(svc.citizen)
    response = client.get(_url(online, "refusal"))
    assert response.status_code == 409
    assert "Hồ sơ không bị từ chối giải quyết nên không có phiếu từ chối." in response.content.decode()
    for url in (_url(online, "phieu_kiem_soat"), _url(online, "receipt", "odt")):
        response = client.get(url)
        assert response.status_code == 404
        assert "Không có mẫu phiếu này." in response.content.decode()
    assert client.post(_url(online)).status_code == 405
