"""Our Excel template: what ``build_template`` writes, ``read_workbook`` reads back exactly.

Sheets: "Hướng dẫn" (how to fill it in), "Chỉ tiêu" (one row per target), "Nhiệm vụ" (one row
per task or action) and a hidden "Danh mục" holding the drop-down lists.

A target's milestones are column groups named by year and level: "2025 · So sánh",
"2025 · Giá trị", "2025 · Đơn vị tính", "2025 · Như văn bản", then "2025 cấp tỉnh · …" when
the scheme splits 2025 by level. The reader finds groups by these names, so a user may add a
year by copying a group and changing the year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tinhso.core.documents import xlsx_set
from tinhso.core.text import clean, fold

from .agencies import split_agencies
from .amounts import LARGEST, parse_number, tidy_decimal
from .headers import CODE
from .report import Findings, Place
from .statements import comparator_of
from .types import (
    PILLAR_CODES,
    PILLARS,
    Budget,
    Comparator,
    Level,
    Milestone,
    ParsedTarget,
    ParsedTask,
    ParseResult,
    Pillar,
    TaskKind,
    level_rank,
)

TARGETS_SHEET = "Chỉ tiêu"
TASKS_SHEET = "Nhiệm vụ"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"

PILLAR_LABELS: dict[Pillar, str] = {
    "digital_government": "Chính quyền số",
    "digital_economy": "Kinh tế số",
    "digital_society": "Xã hội số",
    "foundation": "Nền tảng",
}
COMPARATOR_LABELS: dict[Comparator, str] = {
    ">": "> (trên)",
    ">=": "≥ (tối thiểu)",
    "=": "= (đạt)",
    "<=": "≤ (không quá)",
    "<": "< (dưới)",
}
LEVEL_LABELS: dict[Level, str] = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}
KIND_LABELS: dict[TaskKind, str] = {"task": "Nhiệm vụ", "action": "Hành động"}
YES, NO = "Có", "Không"
DEFAULT_YEARS = (2025, 2030)
DEFAULT_PHASES = ("2021-2025", "2026-2030")
_ROWS_WITH_LISTS = 500

# Target sheet: fixed columns, then the milestone groups, then the source.
T_CODE, T_PILLAR, T_TEXT, T_HINT, T_TRACKING, T_PARTNERS = (
    "Mã chỉ tiêu",
    "Trụ cột",
    "Chỉ tiêu (như văn bản)",
    "Chỉ số đo (gợi ý)",
    "Đơn vị theo dõi",
    "Đơn vị phối hợp (mỗi dòng một đơn vị)",
)
G_COMPARATOR, G_VALUE, G_UNIT, G_TEXT = "So sánh", "Giá trị", "Đơn vị tính", "Như văn bản"
SOURCE = "Nguồn (không cần sửa)"
# Task sheet.
K_APPENDIX, K_PHASE, K_KIND, K_PILLAR, K_CODE, K_NAME, K_CONTENT = (
    "Phụ lục",
    "Giai đoạn",
    "Loại",
    "Trụ cột",
    "Mã",
    "Tên nhiệm vụ",
    "Nội dung (mỗi dòng một ý)",
)
K_LEAD, K_PARTNERS, K_START, K_END, K_RECURRING = (
    "Đơn vị chủ trì",
    "Đơn vị phối hợp (mỗi dòng một đơn vị)",
    "Năm bắt đầu",
    "Năm kết thúc",
    "Hằng năm",
)
K_BUDGET_NOTE, K_FUNDING, K_DELIVERABLE, K_NOTE = "Ghi chú kinh phí", "Nguồn vốn", "Sản phẩm", "Ghi chú"

_GROUP_TITLE = re.compile(r"^((?:19|20)\d{2})(?:\s+cap\s+(tinh|huyen|xa))?\s*[·\-–:|]\s*(.+)$")
_BUDGET_TITLE = re.compile(r"^kinh phi(?:\s+((?:19|20)\d{2}\s*-\s*(?:19|20)\d{2}))?\s*\(trieu dong\)$")
_LEVEL_WORDS: dict[str, Level] = {"tinh": "province", "huyen": "district", "xa": "commune"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_GROUP_FILLS = ("FFF2CC", "E2EFDA")


@dataclass(frozen=True)
class _Group:
    year: int
    level: Level | None

    @property
    def prefix(self) -> str:
        return f"{self.year} {LEVEL_LABELS[self.level]}" if self.level else str(self.year)


# --- writing ------------------------------------------------------------------------------------


def build_template(
    targets: Sequence[ParsedTarget] = (),
    tasks: Sequence[ParsedTask] = (),
    *,
    agencies: Sequence[str] = (),
) -> bytes:
    """An .xlsx to fill in (empty) or to review and correct (with what a parser read)."""
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None  # a new workbook always has one sheet
    guide.title = GUIDE_SHEET
    lists = _lists_sheet(workbook, agencies)
    _targets_sheet(workbook, targets, lists, agencies=bool(agencies))
    _tasks_sheet(workbook, tasks, lists, agencies=bool(agencies))
    _guide_sheet(guide)
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames) - 1 - workbook.sheetnames.index(LISTS_SHEET))
    workbook.active = 0
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _lists_sheet(workbook: Workbook, agencies: Sequence[str]) -> dict[str, str]:
    """The hidden sheet of drop-down values; returns list name → range formula."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    columns = {
        "pillar": list(PILLAR_LABELS.values()),
        "comparator": list(COMPARATOR_LABELS.values()),
        "kind": list(KIND_LABELS.values()),
        "yes_no": [YES, NO],
        "agency": [clean(a) for a in agencies if clean(a)],
    }
    ranges: dict[str, str] = {}
    for index, (name, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            _write(sheet.cell(row=row, column=index), value)
        if values:
            ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _targets_sheet(
    workbook: Workbook, targets: Sequence[ParsedTarget], lists: dict[str, str], *, agencies: bool
) -> None:
    sheet = workbook.create_sheet(TARGETS_SHEET)
    groups = _groups(targets)
    titles = [T_CODE, T_PILLAR, T_TEXT, T_HINT, T_TRACKING, T_PARTNERS]
    for group in groups:
        titles += [f"{group.prefix} · {part}" for part in (G_COMPARATOR, G_VALUE, G_UNIT, G_TEXT)]
    titles.append(SOURCE)
    widths = [14, 16, 60, 36, 28, 32] + [12, 10, 12, 40] * len(groups) + [24]
    _header(sheet, titles, widths)
    for index in range(len(groups)):
        fill = PatternFill("solid", fgColor=_GROUP_FILLS[index % 2])
        for offset in range(4):
            sheet.cell(row=1, column=7 + index * 4 + offset).fill = fill
    for row, target in enumerate(targets, start=2):
        values: list[object] = [
            target.code,
            PILLAR_LABELS.get(target.pillar, "") if target.pillar else "",
            target.text,
            target.indicator_hint or "",
            target.tracking_agency or "",
            "\n".join(target.partner_agencies),
        ]
        by_key = {(m.year, m.level): m for m in target.milestones}
        for group in groups:
            milestone = by_key.get((group.year, group.level))
            values += (
                ["", "", "", ""]
                if milestone is None
                else [
                    COMPARATOR_LABELS[milestone.comparator],
                    milestone.value,
                    milestone.unit,
                    milestone.text,
                ]
            )
        values.append(target.source)
        _row(sheet, row, values)
    last = max(_ROWS_WITH_LISTS, len(targets) + 200)
    _validate(sheet, lists.get("pillar"), f"B2:B{last}")
    for index in range(len(groups)):
        letter = get_column_letter(7 + index * 4)
        _validate(sheet, lists.get("comparator"), f"{letter}2:{letter}{last}")
    if agencies:
        _validate(sheet, lists.get("agency"), f"E2:E{last}", strict=False)


def _groups(targets: Sequence[ParsedTarget]) -> list[_Group]:
    keys: set[tuple[int, Level | None]] = {(m.year, m.level) for target in targets for m in target.milestones}
    if not keys:
        keys = {(year, None) for year in DEFAULT_YEARS}
    return [_Group(year, level) for year, level in sorted(keys, key=lambda k: (k[0], level_rank(k[1])))]


def _tasks_sheet(workbook: Workbook, tasks: Sequence[ParsedTask], lists: dict[str, str], *, agencies: bool) -> None:
    sheet = workbook.create_sheet(TASKS_SHEET)
    phases = sorted({b.phase for task in tasks for b in task.budgets} | {t.phase for t in tasks if t.phase}) or list(
        DEFAULT_PHASES
    )
    budget_titles = [f"Kinh phí {phase} (triệu đồng)" if phase else "Kinh phí (triệu đồng)" for phase in phases]
    titles = [
        K_APPENDIX,
        K_PHASE,
        K_KIND,
        K_PILLAR,
        K_CODE,
        K_NAME,
        K_CONTENT,
        K_LEAD,
        K_PARTNERS,
        K_START,
        K_END,
        K_RECURRING,
        *budget_titles,
        K_BUDGET_NOTE,
        K_FUNDING,
        K_DELIVERABLE,
        K_NOTE,
        SOURCE,
    ]
    widths = [9, 12, 12, 16, 10, 50, 50, 30, 36, 12, 12, 10, *[16] * len(phases), 20, 20, 24, 24, 24]
    _header(sheet, titles, widths)
    for letter in ("A", "E"):  # appendix "01" and code "1.1" must stay text when typed
        sheet.column_dimensions[letter].number_format = "@"
    for row, task in enumerate(tasks, start=2):
        amounts = {b.phase: b.amount_million_vnd for b in task.budgets}
        values: list[object] = [
            task.appendix or "",
            task.phase or "",
            KIND_LABELS[task.kind],
            PILLAR_LABELS.get(task.pillar, "") if task.pillar else "",
            task.code,
            task.name,
            "\n".join(task.content_items),
            task.lead_agency,
            "\n".join(task.partner_agencies),
            task.timeline_start,
            task.timeline_end,
            YES if task.recurring else NO,
            *[amounts.get(phase) for phase in phases],
            task.budget_note,
            task.funding_source,
            task.deliverable,
            task.note,
            task.source,
        ]
        _row(sheet, row, values)
    last = max(_ROWS_WITH_LISTS, len(tasks) + 200)
    _validate(sheet, lists.get("kind"), f"C2:C{last}")
    _validate(sheet, lists.get("pillar"), f"D2:D{last}")
    _validate(sheet, lists.get("yes_no"), f"L2:L{last}")
    if agencies:
        _validate(sheet, lists.get("agency"), f"H2:H{last}", strict=False)


def _header(sheet: Worksheet, titles: list[str], widths: list[int]) -> None:
    for column, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "A2"


def _row(sheet: Worksheet, row: int, values: list[object]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        _write(cell, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write(cell: XlCell | MergedCell, value: object) -> None:
    """Text is always stored as text: a leading "=" must not become a formula."""
    if value is None or value == "":
        return
    xlsx_set(cell, value)


def _validate(sheet: Worksheet, formula: str | None, area: str, *, strict: bool = True) -> None:
    """A drop-down list; for agencies only a warning, since a scheme may name one not in the list."""
    if formula is None:
        return
    validation = DataValidation(
        type="list", formula1=f"={formula}", allow_blank=True, errorStyle="stop" if strict else "warning"
    )
    validation.error = _("Hãy chọn một giá trị trong danh sách.")
    validation.errorTitle = _("Giá trị không có trong danh sách")
    sheet.add_data_validation(validation)
    validation.add(area)


def _guide_sheet(sheet: Worksheet) -> None:
    lines = [
        _("Mẫu nhập đề án, kế hoạch chuyển đổi số"),
        "",
        _("Trang “Chỉ tiêu”: mỗi dòng một chỉ tiêu."),
        _("• Mã chỉ tiêu: giữ mã đã có (ví dụ MT-CQS-03) hoặc để trống để hệ thống tự đặt."),
        _("• Trụ cột: chọn Chính quyền số, Kinh tế số, Xã hội số hoặc Nền tảng; để trống nếu là chỉ tiêu chung."),
        _("• Chỉ tiêu (như văn bản): chép nguyên câu trong đề án."),
        _(
            "• Mỗi năm có 4 cột: So sánh, Giá trị, Đơn vị tính, Như văn bản. Chỉ tiêu chia theo cấp có thêm các cột "
            "“2025 cấp tỉnh · …”, “2025 cấp huyện · …”, “2025 cấp xã · …”."
        ),
        _("• Thêm năm: chép 4 cột của một năm, đổi năm ở tiêu đề (ví dụ “2028 · Giá trị”)."),
        _("• So sánh: > (trên), ≥ (tối thiểu, từ … trở lên), = (đạt), ≤ (không quá, tối đa), < (dưới)."),
        _("• Giá trị: chỉ ghi số (80, 2,5 hoặc 1.500); để trống nếu chỉ tiêu không có số."),
        _("• Đơn vị tính: % hoặc danh từ đếm được (doanh nghiệp, người, triệu đồng…)."),
        "",
        _("Trang “Nhiệm vụ”: mỗi dòng một nhiệm vụ hoặc hành động."),
        _(
            "• Mã: CQS1, KTS2.1, XHS5… (CQS = Chính quyền số, KTS = Kinh tế số, XHS = Xã hội số); mã có dấu chấm là "
            "nhiệm vụ con (CQS2.1 thuộc CQS2). Mỗi mã chỉ xuất hiện một lần trong một phụ lục."
        ),
        _("• Loại: Nhiệm vụ (danh mục nhiệm vụ) hoặc Hành động (nhiệm vụ cụ thể)."),
        _("• Nội dung và Đơn vị phối hợp: mỗi dòng trong ô một ý / một đơn vị (Alt+Enter để xuống dòng)."),
        _("• Năm bắt đầu, Năm kết thúc: số năm (2022); chọn Hằng năm = Có nếu nhiệm vụ thực hiện hằng năm."),
        _("• Kinh phí: triệu đồng, mỗi giai đoạn một cột; ghi chữ (ví dụ “Lồng ghép”) vào Ghi chú kinh phí."),
        "",
        _("Cột “Nguồn” chỉ để tra cứu, không được nhập lại. Không đổi tên các trang và tiêu đề cột."),
    ]
    sheet.column_dimensions["A"].width = 120
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True)
        if row == 1:
            cell.font = Font(bold=True, size=14)


# --- reading ------------------------------------------------------------------------------------


def is_template(workbook: Workbook) -> bool:
    names = {fold(name) for name in workbook.sheetnames}
    return bool(names & {fold(TARGETS_SHEET), fold(TASKS_SHEET)})


def read_workbook(workbook: Workbook) -> ParseResult:
    findings = Findings()
    sheets = {fold(sheet.title): sheet for sheet in workbook.worksheets}
    targets = _read_targets(sheets[fold(TARGETS_SHEET)], findings) if fold(TARGETS_SHEET) in sheets else []
    tasks = _read_tasks(sheets[fold(TASKS_SHEET)], findings) if fold(TASKS_SHEET) in sheets else []
    if not targets and not tasks and not findings.rejections:
        findings.reject(None, _("Tệp không phải là đề án/kế hoạch: mẫu Excel chưa có chỉ tiêu hay nhiệm vụ nào"), "")
    return ParseResult(
        targets=tuple(targets),
        tasks=tuple(tasks),
        rejections=tuple(findings.rejections),
        warnings=tuple(findings.warnings),
    )


class _Invalid(Exception):
    """A cell that makes its row unreadable; the message is the rejection reason."""


def _columns(sheet: Worksheet) -> dict[str, int]:
    return {fold(str(cell.value)): index for index, cell in enumerate(sheet[1]) if cell.value is not None}


def _missing(sheet: Worksheet, columns: dict[str, int], required: Sequence[str], findings: Findings) -> bool:
    absent = [title for title in required if fold(title) not in columns]
    if absent:
        findings.reject(
            Place("xlsx", 1, sheet=sheet.title), _("bảng thiếu cột: %(columns)s") % {"columns": ", ".join(absent)}, ""
        )
    return bool(absent)


def _rows(sheet: Worksheet) -> list[tuple[int, tuple[object, ...]]]:
    rows = []
    for index, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        values = tuple(_value(cell) for cell in cells)
        if any(value not in (None, "") for value in values):
            rows.append((index, values))
    return rows


def _value(cell: XlCell | MergedCell) -> object:
    """A number typed as "80%" in a cell formatted as percent is stored as 0.8: read it as 80."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return tidy_decimal(Decimal(repr(value)) * 100)
    return value


def _raw(values: tuple[object, ...], columns: dict[str, int], title: str) -> str:
    index = columns.get(fold(title))
    if index is None or index >= len(values) or values[index] is None:
        return ""
    value = values[index]
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _text(values: tuple[object, ...], columns: dict[str, int], title: str) -> str:
    """A one-line cell, NFC and trimmed."""
    return clean(_raw(values, columns, title))


def _lines(values: tuple[object, ...], columns: dict[str, int], title: str) -> list[str]:
    """A cell holding one item per line (Alt+Enter), each without a leading bullet mark."""
    items = (clean(re.sub(r"^\s*[-+•]\s+", "", line)) for line in _raw(values, columns, title).split("\n"))
    return [item for item in items if item]


def _decimal(value: object, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _Invalid(_("%(what)s “%(value)s” không phải là số") % {"what": what, "value": value})
    if isinstance(value, int | float | Decimal):
        number: Decimal | None = tidy_decimal(Decimal(repr(value) if isinstance(value, float) else value))
    else:
        number = parse_number(str(value).strip().removesuffix("%"))
    if number is None or not number.is_finite():
        raise _Invalid(_("%(what)s “%(value)s” không phải là số") % {"what": what, "value": clean(str(value))})
    if abs(number) >= LARGEST:
        raise _Invalid(_("%(what)s “%(value)s” quá lớn") % {"what": what, "value": clean(str(value))})
    return number


def _pillar(label: str, place: Place, findings: Findings) -> Pillar | None:
    if not label:
        return None
    for pillar in PILLARS:
        if fold(label) in (fold(PILLAR_LABELS[pillar]), pillar):
            return pillar
    findings.warn(place, _("trụ cột “%(value)s” không có trong danh sách, bỏ qua") % {"value": label})
    return None


_SYMBOLS: dict[str, Comparator] = {"≥": ">=", "≤": "<=", ">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "="}


def _comparator(label: str) -> Comparator:
    """ "≥ (tối thiểu)" from the drop-down, a bare ">=", or words typed by hand ("tối thiểu")."""
    symbol = label.strip().split(" ")[0] if label.strip() else "="
    mapped = _SYMBOLS.get(symbol)
    if mapped is not None:
        return mapped
    comparator, start = comparator_of(fold(label) + " ", "")
    if start is None:
        raise _Invalid(_("so sánh “%(value)s” không hợp lệ") % {"value": label})
    return comparator


def _read_targets(sheet: Worksheet, findings: Findings) -> list[ParsedTarget]:
    columns = _columns(sheet)
    if _missing(sheet, columns, [T_TEXT], findings):
        return []
    groups: dict[tuple[int, Level | None], dict[str, int]] = {}
    for title, index in columns.items():
        match = _GROUP_TITLE.match(title)
        if match:
            key = (int(match.group(1)), _LEVEL_WORDS[match.group(2)] if match.group(2) else None)
            groups.setdefault(key, {})[match.group(3).strip()] = index
    targets: list[ParsedTarget] = []
    seen: dict[str, int] = {}
    counters: dict[Pillar | None, int] = {}
    for row, values in _rows(sheet):
        place = Place("xlsx", row, sheet=sheet.title)
        raw = "\t".join("" if v is None else str(v) for v in values)
        text = _text(values, columns, T_TEXT)
        if not text:
            findings.reject(place, _("chỉ tiêu không có nội dung"), raw)
            continue
        pillar = _pillar(_text(values, columns, T_PILLAR), place, findings)
        try:
            milestones = _milestones(values, groups)
        except _Invalid as error:
            findings.reject(place, str(error), raw)
            continue
        counters[pillar] = counters.get(pillar, 0) + 1
        code = _text(values, columns, T_CODE) or f"MT-{PILLAR_CODES[pillar]}-{counters[pillar]:02d}"
        if fold(code) in seen:
            findings.reject(
                place, _("mã chỉ tiêu “%(code)s” trùng với dòng %(row)s") % {"code": code, "row": seen[fold(code)]}, raw
            )
            continue
        seen[fold(code)] = row
        targets.append(
            ParsedTarget(
                pillar=pillar,
                code=code,
                text=text,
                milestones=milestones,
                tracking_agency=_text(values, columns, T_TRACKING) or None,
                partner_agencies=_agencies(_lines(values, columns, T_PARTNERS)),
                indicator_hint=_text(values, columns, T_HINT) or None,
                source=place.label(),
            )
        )
    return targets


def _milestones(
    values: tuple[object, ...], groups: dict[tuple[int, Level | None], dict[str, int]]
) -> tuple[Milestone, ...]:
    found: list[Milestone] = []
    for (year, level), parts in sorted(groups.items(), key=lambda item: (item[0][0], level_rank(item[0][1]))):

        def cell(part: str, parts: dict[str, int] = parts) -> object:
            index = parts.get(fold(part))
            return values[index] if index is not None and index < len(values) else None

        comparator_text, value, unit, text = (cell(G_COMPARATOR), cell(G_VALUE), cell(G_UNIT), cell(G_TEXT))
        if all(v in (None, "") for v in (comparator_text, value, unit, text)):
            continue
        number = _decimal(value, _("giá trị năm %(year)s") % {"year": year})
        if number is not None and number < 0:
            raise _Invalid(_("chỉ tiêu có giá trị âm “%(value)s” (năm %(year)s)") % {"value": value, "year": year})
        found.append(
            Milestone(
                year=year,
                comparator=_comparator(clean(str(comparator_text or ""))),
                value=number,
                unit=clean(str(unit or "")),
                level=level,
                text=clean(str(text or "")),
            )
        )
    return tuple(found)


def _agencies(lines: list[str]) -> tuple[str, ...]:
    """One agency per line; a line with several ("Sở A; Sở B") is split like a scheme's cell."""
    return tuple(item for line in lines for item in split_agencies(line))


def _read_tasks(sheet: Worksheet, findings: Findings) -> list[ParsedTask]:
    columns = _columns(sheet)
    if _missing(sheet, columns, [K_CODE, K_NAME, K_LEAD], findings):
        return []
    budget_columns = {
        (match.group(1) or "").replace(" ", ""): index
        for title, index in columns.items()
        if (match := _BUDGET_TITLE.match(title))
    }
    tasks: list[ParsedTask] = []
    seen: dict[tuple[str, str], int] = {}
    for row, values in _rows(sheet):
        place = Place("xlsx", row, sheet=sheet.title)
        raw = "\t".join("" if v is None else str(v) for v in values)
        try:
            task = _task(values, columns, budget_columns, place, findings)
        except _Invalid as error:
            findings.reject(place, str(error), raw)
            continue
        key = (fold(task.appendix or ""), fold(task.code))
        if key in seen:
            findings.reject(
                place, _("mã nhiệm vụ “%(code)s” trùng với dòng %(row)s") % {"code": task.code, "row": seen[key]}, raw
            )
            continue
        seen[key] = row
        tasks.append(task)
    return tasks


def _task(
    values: tuple[object, ...],
    columns: dict[str, int],
    budget_columns: dict[str, int],
    place: Place,
    findings: Findings,
) -> ParsedTask:
    code = _text(values, columns, K_CODE).rstrip(".")
    if not code or not CODE.match(code):
        raise _Invalid(_("mã nhiệm vụ “%(code)s” không hợp lệ") % {"code": code})
    name = _text(values, columns, K_NAME)
    if not name:
        raise _Invalid(_("nhiệm vụ “%(code)s” không có tên") % {"code": code})
    budgets = []
    for phase, index in sorted(budget_columns.items()):
        value = values[index] if index < len(values) else None
        amount = _decimal(value, _("kinh phí"))
        if amount is None:
            continue
        if amount < 0:
            raise _Invalid(_("kinh phí “%(value)s” là số âm") % {"value": value})
        budgets.append(Budget(phase, amount))
    kind_label = fold(_text(values, columns, K_KIND))
    kind: TaskKind = "action" if kind_label == fold(KIND_LABELS["action"]) else "task"
    lead = _text(values, columns, K_LEAD)
    if not lead:
        findings.warn(place, _("nhiệm vụ %(code)s không có đơn vị chủ trì") % {"code": code})
    return ParsedTask(
        code=code,
        name=name,
        lead_agency=lead,
        content_items=tuple(_lines(values, columns, K_CONTENT)),
        partner_agencies=_agencies(_lines(values, columns, K_PARTNERS)),
        timeline_start=_year(values, columns, K_START),
        timeline_end=_year(values, columns, K_END),
        recurring=fold(_text(values, columns, K_RECURRING)) in ("co", "x", "yes", "true", "1"),
        budgets=tuple(budgets),
        budget_note=_text(values, columns, K_BUDGET_NOTE),
        funding_source=_text(values, columns, K_FUNDING),
        phase=_text(values, columns, K_PHASE) or None,
        appendix=_text(values, columns, K_APPENDIX) or None,
        kind=kind,
        pillar=_pillar(_text(values, columns, K_PILLAR), place, findings),
        deliverable=_text(values, columns, K_DELIVERABLE),
        note=_text(values, columns, K_NOTE),
        source=place.label(),
    )


def _year(values: tuple[object, ...], columns: dict[str, int], title: str) -> int | None:
    text = _text(values, columns, title)
    if not text:
        return None
    try:
        year = int(Decimal(text))
    except (InvalidOperation, ValueError):
        raise _Invalid(_("%(column)s “%(value)s” không phải là năm") % {"column": title, "value": text}) from None
    if not 1900 <= year <= 2100:
        raise _Invalid(_("%(column)s “%(value)s” không phải là năm") % {"column": title, "value": text})
    return year
