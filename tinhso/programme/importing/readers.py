"""Read a scheme from pasted text, Word or Excel into typed rows: ``parse_text``,
``parse_docx``, ``parse_xlsx`` and ``parse_file`` (which looks at the bytes, not the name).

Bad input never raises: what cannot be read comes back as a :class:`Rejection` with a reason in
Vietnamese, and a file that holds no scheme at all gives one rejection saying so.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

import docx
import openpyxl
from django.utils.translation import gettext as _

from tinhso.core.text import clean, fold

from . import template
from .amounts import money_scale, phase_of
from .blocks import docx_blocks, paragraphs, text_blocks, tidy
from .headers import Header, MappedColumn, Row, find_header, header_from_mapping, header_signature
from .meta import read_meta
from .report import Findings, Place
from .shapes import Block, Cell, Origin, Paragraph, Table
from .statements import fold_start
from .target_tables import read_target_rows
from .targets import read_targets
from .task_rows import Context, ReadTask, read_task_rows
from .types import DocumentMeta, ParsedTarget, ParsedTask, ParseResult, Rejection, UnclassifiedTable

logger = logging.getLogger(__name__)

_APPENDIX = re.compile(r"^ph[uụ]\s*l[uụ]c\s*(?:s[ốo]\s*)?([0-9]{1,2}[a-z]?|[IVXLC]{1,5})\b(.*)$", re.IGNORECASE)
_TOC_ENTRY = re.compile(r"(\.{3,}|…|\t)\s*\d{1,3}\s*$")
_PART = re.compile(r"^phan\s+([ivxlc]+|\d+)\b")
_CAPTION_UNIT = re.compile(r"^(don vi tinh|dvt)\b")
_FILLER = re.compile(r"^\(?(tiep( theo)?|con nua)\)?\.?$|^(trang\s*)?\d{1,3}$")
# A password-protected .docx/.xlsx is an OLE compound file holding this stream (MS-OFFCRYPTO).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_WORD_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_WORD_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"
_EXCEL_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)


# Column mappings the user saved, by header signature (``headers.header_signature``): a table
# whose header row has that signature is read with those columns instead of being classified.
ColumnMappings = Mapping[str, tuple[MappedColumn | None, ...]]


def parse_text(text: str, *, mappings: ColumnMappings | None = None) -> ParseResult:
    """Tab-separated text as pasted from Word or Excel (or a Word file saved as text)."""
    return _guarded(lambda: _read_blocks(text_blocks(text), origin="text", mappings=mappings))


def parse_docx(data: bytes, *, mappings: ColumnMappings | None = None) -> ParseResult:
    """A Word (.docx) file: its paragraphs and tables, in order."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a damaged file
        logger.info("not a readable docx: %s", error)
        return _refused(_("Tệp không phải là đề án/kế hoạch: không mở được tệp Word (.docx)"))
    return _guarded(lambda: _read_blocks(docx_blocks(document), origin="docx", mappings=mappings))


def parse_xlsx(data: bytes, *, mappings: ColumnMappings | None = None) -> ParseResult:
    """Our Excel template (sheets "Chỉ tiêu" and "Nhiệm vụ"); any other workbook is read
    sheet by sheet as tables, like a pasted table."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        logger.info("not a readable xlsx: %s", error)
        return _refused(_("Tệp không phải là đề án/kế hoạch: không mở được tệp Excel (.xlsx)"))
    if template.is_template(workbook):
        return _guarded(lambda: template.read_workbook(workbook))
    return _guarded(lambda: _read_blocks(list(_sheet_tables(workbook)), origin="xlsx", mappings=mappings))


def parse_file(name: str, data: bytes, *, mappings: ColumnMappings | None = None) -> ParseResult:
    """Dispatch on what the bytes are: a Word or Excel zip (by its declared content types),
    an old binary Office file, a PDF, or text (UTF-8, UTF-16 with BOM, else Windows-1258).
    ``mappings``: the column mappings saved for the file's province (see :data:`ColumnMappings`)."""
    if data[:4] == b"PK\x03\x04":
        kind = _zip_kind(data)
        if kind == "docx":
            return parse_docx(data, mappings=mappings)
        if kind == "xlsx":
            return parse_xlsx(data, mappings=mappings)
        if kind == "docm":
            return _refused(
                _("Tệp không phải là đề án/kế hoạch: tệp Word có macro (.docm), hãy lưu lại thành .docx"), name
            )
        return _refused(_("Tệp không phải là đề án/kế hoạch: tệp nén không phải Word (.docx) hay Excel (.xlsx)"), name)
    if not data.strip():
        return _refused(_("Tệp rỗng: không có nội dung nào để nhập"), name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and _ENCRYPTED in data:
        return _refused(
            _("Tệp được đặt mật khẩu: hãy mở tệp, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ tài liệu) rồi tải lên lại"),
            name,
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _refused(
            _("Tệp không phải là đề án/kế hoạch: Word/Excel định dạng cũ (.doc/.xls), hãy lưu lại thành .docx/.xlsx"),
            name,
        )
    if data[:5] == b"%PDF-":
        return _refused(
            _("Tệp không phải là đề án/kế hoạch: tệp PDF chưa được hỗ trợ, hãy dùng tệp Word hoặc dán nội dung"), name
        )
    text = decode_text(data)
    if text is None:
        return _refused(
            _("Tệp không phải là đề án/kế hoạch: không đọc được dưới dạng văn bản (UTF-8, UTF-16 hay Windows-1258)"),
            name,
        )
    return parse_text(text, mappings=mappings)


def decode_text(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    elif b"\x00" in data:
        return None
    else:
        candidates = ("utf-8", "cp1258")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    return None


def _looks_like_text(text: str) -> bool:
    if not text.strip():
        return False
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    return controls <= len(text) // 100


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    if _WORD_TYPES in types:
        return "docx"
    if _WORD_MACRO in types:
        return "docm"
    if any(kind in types for kind in _EXCEL_TYPES):
        return "xlsx"
    return None


def _refused(reason: str, name: str = "") -> ParseResult:
    return ParseResult(rejections=(Rejection(source=name, row=None, reason=reason, raw=""),))


def _guarded(read: Callable[[], ParseResult]) -> ParseResult:
    """The last line of "never raise": a bug in a reader becomes a rejection, logged in full."""
    try:
        return read()
    except Exception:
        logger.exception("scheme reader failed")
        return _refused(_("Không đọc được tệp do lỗi ngoài dự kiến; hãy gửi tệp cho quản trị hệ thống"))


def _sheet_tables(workbook: openpyxl.Workbook) -> Iterable[Block]:
    for number, sheet in enumerate(workbook.worksheets, start=1):
        rows: list[list[Cell]] = []
        refs: list[int] = []
        for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [Cell(tidy(_cell_text(value)).strip()) for value in values]
            if any(cell.text for cell in cells):
                rows.append(cells)
                refs.append(index)
        if rows:
            yield Table(rows=rows, refs=refs, number=number, sheet=sheet.title)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- the walk over a document -------------------------------------------------------------------


@dataclass
class _Group:
    """Tables that are one table: split across pages, with or without the header repeated."""

    header: Header
    context: Context
    rows: list[Row]
    width: int
    header_place: Place


@dataclass
class _Walk:
    origin: Origin
    context: Context = field(default_factory=Context)
    title_lines: int = 0
    groups: list[_Group] = field(default_factory=list)
    last_group: _Group | None = None  # still open for a continuation table
    unclassified: list[UnclassifiedTable] = field(default_factory=list)
    mappings: dict[str, tuple[MappedColumn | None, ...]] = field(default_factory=dict)


_PREVIEW_ROWS = 5


def _keep_unclassified(walk: _Walk, table: Table, rows: list[Row], width: int) -> None:
    """A table with no recognisable column is shown in the preview (header and first rows)
    instead of sinking the file; one or two tab-separated lines of prose (a table of contents
    entry, "Nơi nhận:") are not tables."""
    if len(rows) < 2 or width < 3 or all(_TOC_ENTRY.search(row.raw()) for row in rows):
        return
    header = tuple(cell.text for cell in rows[0].cells)
    walk.unclassified.append(
        UnclassifiedTable(
            source=rows[0].place.label(),
            header=header,
            rows=tuple(tuple(cell.text for cell in row.cells) for row in rows[1 : 1 + _PREVIEW_ROWS]),
            message=_(
                "Không nhận ra bảng này (không có cột “Nhiệm vụ”, “Chỉ tiêu” hay “Đơn vị chủ trì”): bảng không "
                "được nhập, phần còn lại của tệp vẫn được nhập. Cột đầu: %(header)s"
            )
            % {"header": " | ".join(text for text in header if text)[:200]},
            signature=header_signature(header),
        )
    )


def _read_blocks(blocks: list[Block], *, origin: Origin, mappings: ColumnMappings | None = None) -> ParseResult:
    findings = Findings()
    texts = list(paragraphs(blocks))
    meta = read_meta(texts, findings)
    targets = read_targets(texts, origin=origin, findings=findings, fallback_year=_first_horizon(meta))
    walk = _Walk(origin, mappings=dict(mappings or {}))
    for block in blocks:
        if isinstance(block, Paragraph):
            _on_paragraph(walk, block)
        else:
            _on_table(walk, block, findings)
    read: list[ReadTask] = []
    table_targets: list[ParsedTarget] = []
    for group in walk.groups:
        missing = group.header.missing()
        if missing:
            findings.reject(
                group.header_place,
                _("bảng thiếu cột: %(columns)s") % {"columns": ", ".join(missing)},
                "\t".join(group.header.titles),
            )
        elif group.header.kind == "targets":
            table_targets.extend(read_target_rows(group.rows, group.header, findings))
        else:
            read.extend(read_task_rows(group.rows, group.header, group.context, findings, plan_phase=_plan_phase(meta)))
    tasks = _without_duplicates(read, findings)
    _check_parents(tasks, findings)
    meta = _with_period(meta, tasks)
    result = ParseResult(
        targets=tuple(targets) + tuple(table_targets),
        tasks=tuple(task.task for task in tasks),
        rejections=tuple(findings.rejections),
        warnings=tuple(findings.warnings),
        document_meta=meta,
        unclassified=tuple(walk.unclassified),
    )
    if not result.targets and not result.tasks and not result.rejections:
        return replace(
            result,
            rejections=(
                Rejection(
                    source="",
                    row=None,
                    raw="",
                    reason=_(
                        "Tệp không phải là đề án/kế hoạch: không tìm thấy bảng nhiệm vụ (có cột “Nhiệm vụ”, “Đơn vị chủ "
                        "trì”) hay phần mục tiêu có chỉ tiêu theo năm"
                    ),
                ),
            ),
        )
    return result


def _plan_phase(meta: DocumentMeta) -> str | None:
    """The period a plan's budgets belong to when neither the column nor the appendix says:
    "giai đoạn 2021-2025" in the title, else from the year of the decision to the first
    horizon ("đến năm 2025" of a 2022 scheme: 2022-2025), or the year of a yearly plan."""
    title = meta.programme_title or meta.title or ""
    phase = phase_of(title)
    if phase:
        return phase
    horizon = _first_horizon(meta)
    if meta.year is None or horizon is None or horizon < meta.year:
        return None
    return str(meta.year) if horizon == meta.year else f"{meta.year}-{horizon}"


def _first_horizon(meta: DocumentMeta) -> int | None:
    years = re.findall(r"(?<!\d)(20\d{2})(?!\d)", meta.programme_title or meta.title or "")
    return int(years[0]) if years else meta.year


def _on_paragraph(walk: _Walk, paragraph: Paragraph) -> None:
    text = paragraph.text.strip()
    folded = fold_start(text)
    if _FILLER.match(folded):
        return
    walk.last_group = None
    appendix = _APPENDIX.match(text)
    if appendix and not _TOC_ENTRY.search(paragraph.text) and len(text) < 300:
        rest = clean(appendix.group(2).lstrip(" :.-–"))
        walk.context = Context(appendix=appendix.group(1), phase=phase_of(rest), title=rest)
        walk.title_lines = 3
        return
    if _PART.match(folded) and not _TOC_ENTRY.search(paragraph.text):
        walk.context, walk.title_lines = Context(), 0
        return
    if _CAPTION_UNIT.match(folded):
        walk.context = replace(walk.context, scale=money_scale(text))
        return
    if walk.title_lines and walk.context.appendix:
        walk.title_lines -= 1
        title = clean(f"{walk.context.title} {text}")
        walk.context = replace(walk.context, title=title, phase=walk.context.phase or phase_of(text))


def _on_table(walk: _Walk, table: Table, findings: Findings) -> None:
    walk.title_lines = 0
    rows = [
        Row(tuple(cells), Place(walk.origin, ref, table.number, table.sheet))
        for cells, ref in zip(table.rows, table.refs, strict=True)
    ]
    width = max((len(row.cells) for row in rows), default=0)
    mapped = walk.mappings.get(header_signature([cell.text for cell in rows[0].cells])) if rows else None
    if mapped is not None:  # the user said what these columns are: read the table with them
        header = header_from_mapping(rows[0], mapped)
        walk.last_group = _Group(header, walk.context, rows[1:], width, rows[0].place)
        walk.groups.append(walk.last_group)
        return
    found = find_header(rows)
    group = walk.last_group
    if group is not None and group.context == walk.context:
        if found is not None and (found[0].titles == group.header.titles or group.header.same_as(rows[0])):
            group.rows.extend(rows[found[1] :])
            return
        if found is None and abs(width - group.width) <= 1:
            group.rows.extend(rows)
            return
    if found is None:
        walk.last_group = None
        _keep_unclassified(walk, table, rows, width)
        return
    header, first_data = found
    group = _Group(header, walk.context, rows[first_data:], width, rows[max(0, first_data - header.height)].place)
    walk.groups.append(group)
    walk.last_group = group


def _without_duplicates(read: list[ReadTask], findings: Findings) -> list[_Kept]:
    """A code may appear once per appendix (appendix 01 and 02 both have a CQS1)."""
    seen: dict[tuple[str | None, str], ReadTask] = {}
    kept: list[_Kept] = []
    for item in read:
        key = (item.appendix, fold(item.code))
        first = seen.get(key)
        if first is not None:
            if item.task is not None:
                findings.reject(
                    item.place,
                    _("mã nhiệm vụ “%(code)s” trùng với %(first)s")
                    % {
                        "code": item.code,
                        "first": first.place.label().lower(),
                    },
                    item.raw,
                    source=item.task.source,
                )
            continue
        seen[key] = item
        if item.task is not None:
            kept.append(_Kept(item.task, item.place))
    return kept


@dataclass(frozen=True)
class _Kept:
    task: ParsedTask
    place: Place


def _check_parents(read: list[_Kept], findings: Findings) -> None:
    """An action (CQS2.1) belongs to the task CQS2 of the same phase; say so when that task is
    missing or has another lead agency — a sign the codes were shifted (Thái Bình's appendix 4)."""
    by_phase: dict[tuple[str | None, str], _Kept] = {}
    for item in read:
        by_phase.setdefault((item.task.phase, fold(item.task.code)), item)
    for item in read:
        task = item.task
        if task.parent_code is None:
            continue
        parent = by_phase.get((task.phase, fold(task.parent_code)))
        if parent is None:
            if task.kind == "action":
                findings.warn(
                    item.place,
                    _("không có nhiệm vụ %(parent)s (giai đoạn %(phase)s) cho hành động %(code)s")
                    % {"parent": task.parent_code, "phase": task.phase or "?", "code": task.code},
                )
            continue
        if task.lead_agency and parent.task.lead_agency and not _same_agency(task.lead_agency, parent.task.lead_agency):
            hint = _likely_parent(task.lead_agency, task.code, task.phase, read)
            message = _("%(code)s do “%(lead)s” chủ trì nhưng nhiệm vụ %(parent)s do “%(parent_lead)s” chủ trì") % {
                "code": task.code,
                "lead": task.lead_agency,
                "parent": task.parent_code,
                "parent_lead": parent.task.lead_agency,
            }
            if hint:
                message += _("; có thể là nhiệm vụ %(hint)s") % {"hint": hint}
            findings.warn(item.place, message)


def _same_agency(a: str, b: str) -> bool:
    first, second = _agency_key(a), _agency_key(b)
    return first == second or first.startswith(second) or second.startswith(first)


def _agency_key(name: str) -> str:
    return re.sub(r"\s+(tinh|thanh pho)(\s+\w+){0,3}$", "", fold(name))


def _likely_parent(lead: str, code: str, phase: str | None, read: list[_Kept]) -> str | None:
    prefix = re.sub(r"[^A-Za-z].*$", "", code)
    candidates = [
        item.task.code
        for item in read
        if item.task.phase == phase
        and item.task.parent_code is None
        and item.task.code.startswith(prefix)
        and _same_agency(item.task.lead_agency, lead)
    ]
    return candidates[0] if len(candidates) == 1 else None


def _with_period(meta: DocumentMeta, read: list[_Kept]) -> DocumentMeta:
    starts = [int(task.task.phase[:4]) for task in read if task.task.phase]
    ends = [int(task.task.phase[-4:]) for task in read if task.task.phase]
    start = min(starts) if starts else meta.year
    end = max([*ends, *([meta.period_end] if meta.period_end else [])], default=None)
    return replace(meta, period_start=start, period_end=end)
