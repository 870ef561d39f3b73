"""Bad input never raises: each problem comes back as a rejection with a Vietnamese reason."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from tinhso.programme.importing import ParseResult, parse_docx, parse_file, parse_text, parse_xlsx

NOT_A_SCHEME = (
    "Tệp không phải là đề án/kế hoạch: không tìm thấy bảng nhiệm vụ (có cột “Nhiệm vụ”, “Đơn vị chủ trì”) "
    "hay phần mục tiêu có chỉ tiêu theo năm"
)


def _reasons(result: ParseResult) -> list[str]:
    return [rejection.reason for rejection in result.rejections]


def test_text_that_is_not_a_scheme() -> None:
    result = parse_text("Kính gửi anh chị,\nXin gửi lịch họp tuần sau.\n")
    assert (result.targets, result.tasks) == ((), ())
    assert _reasons(result) == [NOT_A_SCHEME]


def test_table_missing_required_columns() -> None:
    result = parse_text("STT\tNhiệm vụ\tĐơn vị phối hợp\n1\tSố hóa\tSở Tư pháp\n")
    assert _reasons(result) == ["Dòng 1: bảng thiếu cột: Đơn vị chủ trì"]
    assert result.rejections[0].row == 1
    assert result.tasks == ()


def test_duplicate_code_rejects_the_second_row_even_when_the_first_was_rejected() -> None:
    result = parse_text(
        "TT\tNhiệm vụ\tĐơn vị chủ trì\tKinh phí\n1\tA\tSở Y tế\tabc\n1\tB\tSở Y tế\t10\n2\tC\tSở Y tế\t10\n"
    )
    assert _reasons(result) == [
        "Dòng 2: kinh phí “abc” không phải là số",
        "Dòng 3: mã nhiệm vụ “1” trùng với dòng 2",
    ]
    assert [task.code for task in result.tasks] == ["2"]
    assert result.rejections[1].raw == "1\tB\tSở Y tế\t10"


def test_negative_budget() -> None:
    result = parse_text("TT\tNhiệm vụ\tĐơn vị chủ trì\tKinh phí\n1\tA\tSở Y tế\t-10\n")
    assert _reasons(result) == ["Dòng 2: kinh phí “-10” là số âm"]


def test_invalid_code_and_missing_name() -> None:
    result = parse_text("Mã nhiệm vụ\tNhiệm vụ\tĐơn vị chủ trì\nxin lỗi mã sai\tA\tSở Y tế\nCQS1\t\tSở Y tế\n")
    assert _reasons(result) == [
        "Dòng 2: mã nhiệm vụ “xin lỗi mã sai” không hợp lệ",
        "Dòng 3: nhiệm vụ “CQS1” không có tên",
    ]


def test_negative_milestone_in_prose() -> None:
    text = "II. MỤC TIÊU\n2. Mục tiêu cụ thể\n2.1. Mục tiêu đến năm 2025\n- Tỷ lệ lỗi đạt -5%.\n- 80% dịch vụ công.\n"
    result = parse_text(text)
    assert _reasons(result) == ["Dòng 4: chỉ tiêu có giá trị âm “-5%”"]
    assert [target.text for target in result.targets] == ["80% dịch vụ công."]


def test_negative_and_non_numeric_milestones_in_a_table() -> None:
    text = "TT\tChỉ tiêu\tĐơn vị tính\t2025\n1\tA\t%\t-5\n2\tB\t%\tnhiều\n3\tC\t%\t≥ 80\n"
    result = parse_text(text)
    assert _reasons(result) == [
        "Dòng 2: chỉ tiêu có giá trị âm “-5”",
        "Dòng 3: giá trị “nhiều” của năm 2025 không phải là số",
    ]
    assert [t.code for t in result.targets] == ["3"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "Tệp không phải là đề án/kế hoạch: Word/Excel định dạng cũ (.doc/.xls), hãy lưu lại thành .docx/.xlsx",
        ),
        (
            b"%PDF-1.7\n...",
            "Tệp không phải là đề án/kế hoạch: tệp PDF chưa được hỗ trợ, hãy dùng tệp Word hoặc dán nội dung",
        ),
        (
            b"\x00\x01\x02binary\xff\xfe\x00",
            "Tệp không phải là đề án/kế hoạch: không đọc được dưới dạng văn bản (UTF-8, UTF-16 hay Windows-1258)",
        ),
        (b"", "Tệp rỗng: không có nội dung nào để nhập"),
        (b" \r\n\t\n", "Tệp rỗng: không có nội dung nào để nhập"),
        # A password-protected Office file: an OLE compound file with an "EncryptedPackage" stream.
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 32,
            "Tệp được đặt mật khẩu: hãy mở tệp, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ tài liệu) rồi tải lên lại",
        ),
    ],
)
def test_files_that_are_not_text_or_office(data: bytes, reason: str) -> None:
    result = parse_file("upload.bin", data)
    assert _reasons(result) == [reason]
    assert result.rejections[0].source == "upload.bin"


def test_zip_that_is_not_office() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _reasons(parse_file("a.docx", buffer.getvalue())) == [
        "Tệp không phải là đề án/kế hoạch: tệp nén không phải Word (.docx) hay Excel (.xlsx)",
    ]


def test_damaged_office_files() -> None:
    assert _reasons(parse_docx(b"PK\x03\x04 not really")) == [
        "Tệp không phải là đề án/kế hoạch: không mở được tệp Word (.docx)",
    ]
    assert _reasons(parse_xlsx(b"nothing")) == [
        "Tệp không phải là đề án/kế hoạch: không mở được tệp Excel (.xlsx)",
    ]


def test_word_file_without_a_scheme() -> None:
    from .conftest import docx_bytes, new_document

    document = new_document()
    document.add_paragraph("Biên bản họp")
    assert _reasons(parse_docx(docx_bytes(document))) == [NOT_A_SCHEME]


_EXCERPT = "STT\tNhiệm vụ\tĐơn vị chủ trì\n1\tSố hóa tài liệu lưu trữ\tSở Nội vụ\n"
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _windows_1258(text: str) -> bytes:
    """Windows-1258 has â, ê, ơ… but writes the five tone marks as separate characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    "data",
    [_EXCERPT.encode("utf-8"), _EXCERPT.encode("utf-8-sig"), _EXCERPT.encode("utf-16"), _windows_1258(_EXCERPT)],
    ids=["utf-8", "utf-8 with BOM", "utf-16", "windows-1258"],
)
def test_text_encodings(data: bytes) -> None:
    (task,) = parse_file("paste.txt", data).tasks
    assert (task.name, task.lead_agency) == ("Số hóa tài liệu lưu trữ", "Sở Nội vụ")
