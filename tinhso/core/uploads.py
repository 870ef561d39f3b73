"""Uploaded files judged by their content: what they are, whether they carry active content, and
the name they are kept and handed back under.

Every upload path (a citizen's filing and supplements, the desk's scans, a programme report's
evidence) goes through :func:`inspect_upload`. The type comes from the bytes (``filetype`` for
PDF, JPEG and PNG; the zip's table of contents for Word and Excel), never from the name the
browser sent. What a reader would run or open on its own is refused with a message naming it:

- Word/Excel: macros (``vbaProject.bin``), executables, OLE objects and ActiveX controls, any
  member that is not a part of a plain document, links that make Word or Excel fetch a
  template, object or workbook from elsewhere (remote template injection), DDE fields and links
  that run a command, and zips that are encrypted or would unpack to far more than an office
  document does.
- PDF: JavaScript, launch and import/submit actions, embedded files, multimedia (RichMedia),
  XFA forms and automatic actions (``/AA``), found by reading the objects a reader acts on with
  pyHanko's PDF reader (so object streams and escaped names are read as a PDF reader reads them),
  and PDFs that open only with a password or cannot be read.

The stored name and the download name take the extension of the detected type (a PDF sent as
``payload.exe`` is kept as ``….pdf`` and downloaded as ``payload.pdf``); downloads are served as
attachments with the detected content type and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any
from xml.etree import ElementTree

import filetype
from django.conf import settings
from django.core.files.base import File
from django.http import FileResponse
from django.utils.translation import gettext as _

from tinhso.core.documents import DOCX, PDF, XLSX
from tinhso.core.errors import DomainError

JPEG = "image/jpeg"
PNG = "image/png"

# Detected content type → extension of stored and downloaded names (chosen by us, never by the user).
ALLOWED_TYPES: dict[str, str] = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx", XLSX: "xlsx"}
# Spellings of the same type a user's name may keep ("anh.jpeg" stays "anh.jpeg").
EXTENSION_SPELLINGS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "jpg": frozenset({"jpg", "jpeg", "jpe", "jfif"}),
    "png": frozenset({"png"}),
    "docx": frozenset({"docx"}),
    "xlsx": frozenset({"xlsx"}),
}

_HEAD_BYTES = 8192
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Inspected:
    """What the content of an upload turned out to be."""

    content_type: str
    extension: str
    size: int
    sha256: str


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}".replace(".", ",")


def max_upload_mb() -> str:
    return _mb(settings.TINHSO_UPLOAD_MAX_BYTES)


def _too_large(limit: int, field: str) -> DomainError:
    return DomainError(
        _("Tệp vượt quá dung lượng cho phép (tối đa %(mb)s MB).") % {"mb": _mb(limit)}, field=field, code="too_large"
    )


def _bad_type(field: str) -> DomainError:
    return DomainError(
        _("Định dạng tệp không được chấp nhận. Chỉ nhận tệp PDF, ảnh JPEG/PNG, Word (.docx) hoặc Excel (.xlsx)."),
        field=field,
        code="bad_type",
    )


def _printable(name: str, limit: int = 80) -> str:
    """A member's name fit to quote in a message (the name is the sender's choice)."""
    text = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Word and Excel ------------------------------------------------------------------------------

OFFICE_MAX_MEMBERS = 5000
OFFICE_MAX_UNPACKED = 256 * 1024 * 1024  # a 10 MB document of text unpacks to a few tens of MB
RELS_MAX_BYTES = 2 * 1024 * 1024
OFFICE_PARTS: dict[str, tuple[str, str]] = {  # type → (main part, folder of its parts)
    DOCX: ("word/document.xml", "word/"),
    XLSX: ("xl/workbook.xml", "xl/"),
}
# Folders every OOXML package may have besides its own: package relationships, properties,
# custom XML data, digital signatures, sensitivity labels, ribbon customisation.
COMMON_FOLDERS = ("_rels/", "docProps/", "customXml/", "_xmlsignatures/", "docMetadata/", "customUI/")
# Extensions of a plain document's parts: XML, relationships, legacy drawings (VML), pictures,
# embedded fonts, signature origin.
PART_EXTENSIONS = frozenset(
    {
        "xml",
        "rels",
        "vml",
        "png",
        "jpg",
        "jpeg",
        "jpe",
        "jfif",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "emf",
        "wmf",
        "emz",
        "wmz",
        "svg",
        "webp",
        "ico",
        "odttf",
        "fntdata",
        "ttf",
        "sigs",
        "psmdcp",
    }
)
# Office documents embedded in a document (a chart's data is an .xlsx inside the .docx): checked
# with the same rules, one level deep.
EMBEDDED_PACKAGES = frozenset({"docx", "xlsx", "pptx"})
# First bytes of content that runs or that hides other content: Windows and Linux executables,
# OLE compound files (macros, OLE objects, legacy embedded documents), Java classes.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xca\xfe\xba\xbe", b"#!")
# Names of programs, scripts, shortcuts and macro-enabled documents, wherever they sit.
EXECUTABLE_EXTENSIONS = frozenset(
    {
        "exe",
        "dll",
        "com",
        "scr",
        "pif",
        "cpl",
        "ocx",
        "sys",
        "msi",
        "msp",
        "bat",
        "cmd",
        "ps1",
        "psm1",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "hta",
        "jar",
        "class",
        "lnk",
        "url",
        "inf",
        "reg",
        "sh",
        "elf",
        "so",
        "dylib",
        "app",
        "xll",
        "xlam",
        "xlsm",
        "xltm",
        "xlsb",
        "docm",
        "dotm",
        "pptm",
        "ppam",
        "doc",
        "xls",
        "ppt",
        "rtf",
        "html",
        "htm",
        "mht",
        "mhtml",
        "svgz",
        "swf",
        "zip",
        "rar",
        "7z",
        "cab",
        "iso",
        "img",
    }
)
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Part content types that declare macros or controls, whatever the part is called.
ACTIVE_CONTENT_TYPES = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject", "ms-office.vba")


class _Refused(Exception):
    def __init__(self, error: DomainError):
        self.error = error


def _office_refusal(message: str, field: str, code: str = "active_content") -> _Refused:
    return _Refused(DomainError(message, field=field, code=code))


def _macro(field: str) -> _Refused:
    return _office_refusal(
        _(
            "Tệp Word/Excel có chứa macro (mã VBA), không được chấp nhận. Hãy lưu lại thành tệp "
            ".docx hoặc .xlsx thông thường (không có macro) rồi tải lên lại."
        ),
        field,
    )


def _executable(member: str, field: str) -> _Refused:
    return _office_refusal(
        _(
            "Tệp Word/Excel có chứa chương trình hoặc đối tượng nhúng “%(member)s”, không được "
            "chấp nhận. Hãy xóa đối tượng đó (hoặc chép nội dung sang tệp mới) rồi tải lên lại."
        )
        % {"member": _printable(member)},
        field,
    )


def _foreign_part(member: str, field: str) -> _Refused:
    return _office_refusal(
        _(
            "Tệp Word/Excel có thành phần lạ “%(member)s”, không thuộc một văn bản thông thường "
            "nên không được chấp nhận. Hãy lưu lại tệp bằng Word/Excel rồi tải lên lại."
        )
        % {"member": _printable(member)},
        field,
    )


def _external(target: str, field: str) -> _Refused:
    return _office_refusal(
        _(
            "Tệp Word/Excel tự tải nội dung từ bên ngoài (“%(target)s”), không được chấp nhận. "
            "Hãy nhúng nội dung vào tệp hoặc xóa liên kết đó rồi tải lên lại."
        )
        % {"target": _printable(target)},
        field,
    )


def _encrypted_office(field: str) -> _Refused:
    return _office_refusal(
        _("Tệp Word/Excel đang được đặt mật khẩu hoặc mã hóa nên không mở được. Hãy gỡ mật khẩu rồi tải lên lại."),
        field,
        code="encrypted",
    )


def _zip_bomb(field: str) -> _Refused:
    return _office_refusal(
        _("Tệp Word/Excel khi giải nén quá lớn hoặc có quá nhiều thành phần, không được chấp nhận."),
        field,
        code="too_large_unpacked",
    )


def _extension(member: str) -> str:
    name = member.rsplit("/", 1)[-1]
    return name.rpartition(".")[2].lower() if "." in name else ""


def _check_member(member: str, head: bytes, content_type: str, field: str) -> None:
    """``member`` (whose content starts with ``head``) is a part of a plain document of
    ``content_type``; else the reason it is not, most specific first."""
    lower = member.lower()
    folder = OFFICE_PARTS[content_type][1]
    if member.startswith("/") or "\\" in member or any(part == ".." for part in member.split("/")):
        raise _foreign_part(member, field)
    if lower.endswith("vbaproject.bin") or lower.endswith("vbadata.xml") or "/activex/" in lower:
        raise _macro(field) if "vba" in lower else _executable(member, field)
    extension = _extension(member)
    if extension in EXECUTABLE_EXTENSIONS or (
        extension not in EMBEDDED_PACKAGES and (head.startswith(EXECUTABLE_MAGIC) or head.startswith(b"PK\x03\x04"))
    ):
        raise _executable(member, field)
    if member == "[Content_Types].xml" or member.endswith("/"):
        return
    if not (lower.startswith(folder.lower()) or lower.startswith(tuple(f.lower() for f in COMMON_FOLDERS))):
        raise _foreign_part(member, field)
    if extension in PART_EXTENSIONS:
        return
    if extension == "bin" and re.fullmatch(r"(word|xl)/printersettings/printersettings\d*\.bin", lower):
        return  # the printer's settings (a DEVMODE record), written by Word and Excel
    if extension in EMBEDDED_PACKAGES and "/embeddings/" in lower:
        return
    if extension == "bin" or "/embeddings/" in lower:
        raise _executable(member, field)
    raise _foreign_part(member, field)


def _check_relationships(archive: zipfile.ZipFile, info: zipfile.ZipInfo, field: str) -> None:
    """An external target other than a hyperlink makes Word or Excel fetch something when the
    file opens (a template with macros, an OLE object, another workbook)."""
    with archive.open(info) as handle:
        data = handle.read(RELS_MAX_BYTES + 1)
    if len(data) > RELS_MAX_BYTES:
        raise _zip_bomb(field)
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 -- expat refuses external entities and entity bombs
    except ElementTree.ParseError:
        raise _foreign_part(info.filename, field) from None
    for relation in root.iter(f"{RELS_NS}Relationship"):
        target = relation.get("Target") or ""
        lowered = target.strip().lower()
        if lowered.startswith(("mhtml:", "ms-", "javascript:", "vbscript:")) or "!x-usc:" in lowered:
            raise _external(target, field)
        if (relation.get("TargetMode") or "").lower() == "external" and relation.get("Type") != HYPERLINK:
            raise _external(target, field)


def _check_content_types(archive: zipfile.ZipFile, field: str) -> None:
    with archive.open("[Content_Types].xml") as handle:
        data = handle.read(RELS_MAX_BYTES + 1)
    if len(data) > RELS_MAX_BYTES:
        raise _zip_bomb(field)
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 -- as above
    except ElementTree.ParseError:
        raise _foreign_part("[Content_Types].xml", field) from None
    for element in root.iter():
        declared = (element.get("ContentType") or "").lower()
        if any(kind in declared for kind in ACTIVE_CONTENT_TYPES):
            raise (
                _macro(field)
                if "vba" in declared or "macro" in declared
                else _executable(element.get("PartName") or declared, field)
            )


def _check_dde(archive: zipfile.ZipFile, info: zipfile.ZipInfo, field: str) -> None:
    """Excel's links to other programs (DDE) run a command when the workbook opens."""
    with archive.open(info) as handle:
        data = handle.read(RELS_MAX_BYTES + 1)
    if b"ddeLink" in data or b"oleLink" in data:
        raise _executable(info.filename, field)


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word parts whose fields Word updates: the body, headers and footers, notes, comments.
WORD_STORIES = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments|glossary/document)\.xml")
# Field instructions that run a program (DDE) or pull in another file when the field updates.
ACTIVE_FIELD = re.compile(r"\s*(DDE|DDEAUTO|INCLUDETEXT)\b", re.IGNORECASE)


def _check_word_fields(archive: zipfile.ZipFile, info: zipfile.ZipInfo, field: str) -> None:
    """DDE fields run a command when Word updates them (on opening, for DDEAUTO). A complex
    field's instruction may be split over many runs, so the pieces are joined first."""
    open_fields: list[list[str]] = []
    with archive.open(info) as handle:
        try:
            for _event, element in ElementTree.iterparse(handle, events=("end",)):  # noqa: S314 -- as above
                tag = element.tag
                if tag == f"{W_NS}fldSimple" and ACTIVE_FIELD.match(element.get(f"{W_NS}instr") or ""):
                    raise _executable(info.filename, field)
                if tag in (f"{W_NS}instrText", f"{W_NS}delInstrText") and open_fields:
                    open_fields[-1].append(element.text or "")
                elif tag == f"{W_NS}fldChar":
                    kind = element.get(f"{W_NS}fldCharType")
                    if kind == "begin":
                        open_fields.append([])
                    elif open_fields and ACTIVE_FIELD.match("".join(open_fields[-1])):
                        raise _executable(info.filename, field)
                    elif open_fields and kind == "end":
                        open_fields.pop()
                elif tag == f"{W_NS}p":
                    element.clear()  # keeps memory flat on long documents
        except ElementTree.ParseError:
            raise _foreign_part(info.filename, field) from None


def _check_office(stream: IO[bytes], content_type: str, field: str, *, depth: int = 0) -> None:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > OFFICE_MAX_MEMBERS or sum(m.file_size for m in members) > OFFICE_MAX_UNPACKED:
                raise _zip_bomb(field)
            if any(member.flag_bits & 0x1 for member in members):
                raise _encrypted_office(field)
            _check_content_types(archive, field)
            for member in members:
                head = b""
                if not member.is_dir() and member.file_size > 0:
                    with archive.open(member) as handle:
                        head = handle.read(8)
                _check_member(member.filename, head, content_type, field)
                extension = _extension(member.filename)
                if not head:
                    continue
                if extension in EMBEDDED_PACKAGES:
                    _check_embedded(archive, member, field, depth)
                if extension == "rels":
                    _check_relationships(archive, member, field)
                elif re.fullmatch(r"xl/externallinks/[^/]+\.xml", member.filename.lower()):
                    _check_dde(archive, member, field)
                elif content_type == DOCX and WORD_STORIES.fullmatch(member.filename):
                    _check_word_fields(archive, member, field)
    except _Refused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        ValueError,
        EOFError,
        KeyError,
    ):
        # A damaged zip, an unsupported compression or encryption, a missing [Content_Types].xml.
        raise _Refused(_bad_type(field)) from None


def _check_embedded(archive: zipfile.ZipFile, member: zipfile.ZipInfo, field: str, depth: int) -> None:
    if depth > 0 or member.file_size > OFFICE_MAX_UNPACKED // 4:
        raise _executable(member.filename, field)
    with archive.open(member) as handle:
        inner = io.BytesIO(handle.read())
    kind = _office_kind(inner)
    if kind not in OFFICE_PARTS:
        raise _executable(member.filename, field)
    _check_office(inner, kind, field, depth=depth + 1)


def _office_kind(stream: IO[bytes]) -> str | None:
    """DOCX or XLSX if the zip holds the main part of one; None otherwise."""
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "macro"
    for content_type, (main, _folder) in OFFICE_PARTS.items():
        if main in names:
            return content_type
    return None


# --- PDF -----------------------------------------------------------------------------------------

# Action types that run code, open or fetch other files, or send data out (ISO 32000-2, 12.6.4).
PDF_ACTIONS: dict[str, str] = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/ImportData": "submit",
    "/SubmitForm": "submit",
    "/GoToE": "embedded",
    "/GoToR": "launch",
    "/RichMediaExecute": "richmedia",
    "/Rendition": "richmedia",
    "/Movie": "richmedia",
    "/Sound": "richmedia",
}
# Keys whose mere presence is active content.
PDF_KEYS: dict[str, str] = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/AA": "automatic",
    "/XFA": "xfa",
    "/EmbeddedFiles": "embedded",
    "/EF": "embedded",
    "/RichMediaContent": "richmedia",
    "/RichMediaSettings": "richmedia",
}
PDF_SUBTYPES: dict[str, str] = {
    "/FileAttachment": "embedded",
    "/RichMedia": "richmedia",
    "/Screen": "richmedia",
    "/Movie": "richmedia",
    "/Sound": "richmedia",
    "/3D": "richmedia",
}


def _pdf_what(kind: str) -> str:
    return {
        "javascript": _("mã JavaScript"),
        "launch": _("lệnh mở tệp hoặc chương trình khác"),
        "submit": _("lệnh gửi hoặc nhập dữ liệu ra ngoài"),
        "embedded": _("tệp đính kèm nhúng bên trong"),
        "richmedia": _("nội dung đa phương tiện chạy được (Flash, video, 3D)"),
        "xfa": _("biểu mẫu động XFA"),
        "automatic": _("hành động tự chạy khi mở tệp hoặc khi thao tác"),
    }[kind]


def _pdf_active(what: str, field: str) -> DomainError:
    return DomainError(
        _(
            "Tệp PDF có %(what)s nên không được chấp nhận. Hãy in lại tài liệu thành PDF (chức năng “In” → "
            "“Lưu dưới dạng PDF”) hoặc quét lại, rồi tải lên lại."
        )
        % {"what": what},
        field=field,
        code="active_content",
    )


def _bad_pdf(field: str) -> DomainError:
    return DomainError(
        _("Tệp PDF bị hỏng hoặc không đọc được. Hãy lưu lại tệp PDF rồi tải lên lại."), field=field, code="bad_pdf"
    )


def _resolved(entry: dict[Any, Any], key: str) -> Any:
    """``entry[key]`` with an indirect reference followed (pyHanko's dictionaries do), or None."""
    try:
        return entry[key]
    except (KeyError, TypeError, ValueError):
        return None


def _pdf_kind_of(entry: dict[Any, Any]) -> str | None:
    for key in entry:
        if str(key) in PDF_KEYS:
            return PDF_KEYS[str(key)]
    action = str(_resolved(entry, "/S"))
    if action in PDF_ACTIONS:
        return PDF_ACTIONS[action]
    if action == "/URI":
        uri = _resolved(entry, "/URI")
        text = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)
        if re.match(r"\s*(javascript|vbscript|file|data):", text, re.IGNORECASE):
            return "javascript"
    if str(_resolved(entry, "/Type")) == "/EmbeddedFile":
        return "embedded"
    return PDF_SUBTYPES.get(str(_resolved(entry, "/Subtype")))


# Where nothing a reader runs or opens can sit: page content, fonts and images, the structure
# tree of a tagged PDF, metadata. These hold most of a document's objects; skipping them keeps
# the check fast on long documents.
PDF_INERT_KEYS = frozenset(
    {
        "/Contents",
        "/Resources",
        "/DR",
        "/Font",
        "/XObject",
        "/ColorSpace",
        "/Pattern",
        "/Shading",
        "/ExtGState",
        "/StructTreeRoot",
        "/Metadata",
        "/Thumb",
        "/PieceInfo",
        "/OutputIntents",
        "/Parent",
    }
)
PDF_MAX_OBJECTS = 10_000


def _too_complex(field: str) -> DomainError:
    return DomainError(
        _(
            "Tệp PDF có quá nhiều đối tượng để kiểm tra. Hãy in lại tài liệu thành PDF hoặc chia thành "
            "nhiều tệp nhỏ hơn rồi tải lên lại."
        ),
        field=field,
        code="too_complex",
    )


def _pdf_active_kind(reader: Any, field: str) -> str | None:
    """The first kind of active content among the objects a reader can act on: everything
    reachable from the trailer (catalog, names, outlines, pages, annotations, forms, actions
    and their chains), not following :data:`PDF_INERT_KEYS`. Indirect objects are read once
    each, by pyHanko (from object streams too, names with #-escapes decoded)."""
    # pyHanko is imported on first use: its import takes up to a second, which every process
    # that never checks a PDF (the worker, management commands) would pay.
    from pyhanko.pdf_utils import generic

    todo: list[Any] = [reader.trailer_view]
    seen: set[tuple[int, int]] = set()
    while todo:
        item = todo.pop()
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > PDF_MAX_OBJECTS:
                raise _too_complex(field)
            item = item.get_object()
        if isinstance(item, dict):
            kind = _pdf_kind_of(item)
            if kind is not None:
                return kind
            todo.extend(value for name, value in dict.items(item) if str(name) not in PDF_INERT_KEYS)
        elif isinstance(item, list):
            todo.extend(item)
    return None


def pdf_content_check(data: bytes, field: str = "file") -> None:
    """A :class:`DomainError` if the PDF ``data`` carries active content (see the module
    docstring), needs a password to open, or cannot be read: a file pyHanko cannot read is
    refused rather than let through."""
    # Imported on first use, as in _pdf_active_kind (import cost).
    from pyhanko.pdf_utils.crypt import AuthStatus
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
    except Exception:  # pyHanko raises many kinds of errors on a damaged file; none is a server error
        raise _bad_pdf(field) from None
    if encrypted:
        # A PDF with only an owner password (printing or copying restricted) opens without one.
        try:
            opened = reader.decrypt(b"").status != AuthStatus.FAILED
        except Exception:
            opened = False
        if not opened:
            raise DomainError(
                _("Tệp PDF đang được đặt mật khẩu nên không mở được. Hãy gỡ mật khẩu rồi tải lên lại."),
                field=field,
                code="encrypted",
            )
    try:
        found = _pdf_active_kind(reader, field)
    except DomainError:
        raise
    except Exception:
        raise _bad_pdf(field) from None
    if found is not None:
        raise _pdf_active(_pdf_what(found), field)


# --- the check every upload goes through -------------------------------------------------------


def inspect_upload(upload: File | None, *, max_bytes: int | None = None, field: str = "file") -> Inspected:
    """Size, digest and content type of ``upload``, or a :class:`DomainError` (on ``field``).

    The size is checked before reading anything; the type from the first bytes (``filetype``)
    and, for zip-based Office files, from the zip's table of contents; then the content is
    checked for what would run or open by itself (see the module docstring).
    """
    if upload is None:
        raise DomainError(_("Vui lòng chọn tệp để tải lên."), field=field, code="required")
    limit = settings.TINHSO_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    if upload.size is not None and upload.size > limit:
        raise _too_large(limit, field)
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit, field)
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        digest.update(chunk)
    if size == 0:
        raise DomainError(_("Tệp rỗng, không có nội dung."), field=field, code="empty")
    guessed = filetype.guess(head)
    content_type: str | None = None
    try:
        if guessed is not None and guessed.mime in (PDF, JPEG, PNG):
            content_type = guessed.mime
            if content_type == PDF:
                upload.seek(0)
                pdf_content_check(upload.read(), field)
        elif guessed is not None and guessed.extension in ("zip", "docx", "xlsx"):
            kind = _office_kind(upload)
            if kind == "macro":
                raise _macro(field).error
            content_type = kind
            if content_type is not None:
                try:
                    _check_office(upload, content_type, field)
                except _Refused as refused:
                    raise refused.error from None
    finally:
        upload.seek(0)
    if content_type is None:
        raise _bad_type(field)
    return Inspected(
        content_type=content_type, extension=ALLOWED_TYPES[content_type], size=size, sha256=digest.hexdigest()
    )


# --- names and downloads -------------------------------------------------------------------------

_SUFFIX = re.compile(r"[A-Za-z0-9]{1,5}")


def clean_filename(name: str | None, extension: str) -> str:
    """The name a file is shown and downloaded under: the last part of what the browser sent,
    without control characters or characters a header or file system trips on, ending in
    ``extension`` (the detected type's): "payload.exe" holding a PDF becomes "payload.pdf",
    "anh.JPEG" stays, "Biên bản v1.2" becomes "Biên bản v1.2.pdf". At most 255 characters."""
    text = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/")
    text = PurePosixPath(text).name
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" and ch not in '"<>|*?:;/')
    text = " ".join(text.split()).strip(" .")
    stem, dot, suffix = text.rpartition(".")
    if dot and stem.strip(" .") and _SUFFIX.fullmatch(suffix) and re.search(r"[A-Za-z]", suffix):
        if suffix.lower() in EXTENSION_SPELLINGS.get(extension, frozenset({extension})):
            extension = suffix
        text = stem.rstrip(" .")
    text = text or "tep"
    return f"{text[: 254 - len(extension)]}.{extension}"


def attachment(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A download the browser saves and never renders or sniffs: the detected type, the name
    with the detected extension, no caching (the files are personal)."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def sniff_type(head: bytes) -> str:
    """The content type of a file stored before types were recorded, from its first bytes."""
    guessed = filetype.guess(head)
    if guessed is not None and guessed.mime in (PDF, JPEG, PNG):
        return guessed.mime
    if guessed is not None and guessed.extension in ("docx", "xlsx"):
        return DOCX if guessed.extension == "docx" else XLSX
    return "application/octet-stream"


__all__ = [
    "ALLOWED_TYPES",
    "JPEG",
    "PNG",
    "Inspected",
    "attachment",
    "clean_filename",
    "inspect_upload",
    "max_upload_mb",
    "pdf_content_check",
    "sniff_type",
]
