"""Recognise a table by its header row, matched without diacritics.

Header words and the column they name: "Mã nhiệm vụ"/"Mã hành động" (code), "TT"/"STT"
(number), "Trụ cột" (pillar), "Nhiệm vụ"/"Tên nhiệm vụ"/"Mục hành động"/"Tên dự án" (name),
"Nội dung" (content), "… chủ trì" (lead, also "Chủ trì theo dõi"), "… phối hợp"/"… cung cấp số
liệu" (partners), "Lộ trình"/"Thời gian" (timeline), "Kinh phí"/"Tổng mức đầu tư" (budget),
"Nguồn vốn" (funding), "Sản phẩm"/"Kết quả", "Ghi chú"; for target tables "Chỉ tiêu"/"Nhóm/tên
chỉ tiêu"/"Mục tiêu", "Đơn vị tính", "… theo dõi" and year or horizon columns ("2025", "Mục
tiêu đến 2025", "Đến hết năm 2026", "Tầm nhìn đến năm 2045").

A header may be broken over two physical lines (a line break inside a cell, in pasted text) and
may have a second row under it: phases under "Kinh phí" ("2021-2025", "2026-2030"), levels or
years under "Chỉ tiêu".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.core.text import clean, fold

from .amounts import money_scale, phase_of
from .report import Place
from .shapes import Cell
from .statements import level_mentions
from .types import Level

Role = Literal[
    "code",
    "number",
    "pillar",
    "name",
    "content",
    "lead",
    "partners",
    "timeline",
    "budget",
    "funding",
    "deliverable",
    "note",
    "target",
    "unit",
    "tracking",
    "year",
]

_RULES: tuple[tuple[re.Pattern[str], Role], ...] = (
    (re.compile(r"^ma(\s|$)|^ma so\b"), "code"),
    (re.compile(r"^(s?tt|so tt|so thu tu|thu tu)\b"), "number"),
    (re.compile(r"\btru cot\b"), "pillar"),
    (re.compile(r"\bnguon (von|kinh phi|ngan sach)\b|^nguon\b"), "funding"),
    (re.compile(r"\b(kinh phi|du toan|tong muc dau tu|von dau tu|du kien kinh phi)\b"), "budget"),
    (re.compile(r"\bchu tri\b"), "lead"),
    (re.compile(r"\btheo doi\b"), "tracking"),
    (re.compile(r"\bphoi hop\b|\bcung cap (so lieu|thong tin)\b"), "partners"),
    (re.compile(r"\b(lo trinh|thoi gian|thoi han|tien do|nam thuc hien|thoi diem)\b"), "timeline"),
    (re.compile(r"\b(san pham|ket qua)\b"), "deliverable"),
    (re.compile(r"\bghi chu\b"), "note"),
    (re.compile(r"\b(don vi tinh|dvt)\b"), "unit"),
    (re.compile(r"^((chi tieu|muc tieu|tam nhin|dinh huong) )?((den|toi) )?(het )?(nam )?(19|20)\d{2}$"), "year"),
    (re.compile(r"\b(nhiem vu|hanh dong|du an|ten de an)\b"), "name"),
    (re.compile(r"\b(chi tieu|muc tieu)\b"), "target"),
    (re.compile(r"^noi dung\b"), "content"),
)
_ANCHORS = {"code", "number", "name", "lead", "partners", "target", "content"}
ROMAN = re.compile(r"^[IVXLC]+\.?$")
GROUP_LETTER = re.compile(r"^[A-Z]\.?$")
CODE = re.compile(r"^(?:[A-Za-zĐđ]{1,10}[-_]?)?\d{1,3}(?:\.\d{1,3})*\.?$")
SUB_ITEM = re.compile(r"^([-+•*–]|[a-zđ][).]?)$")
COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
TOTAL = re.compile(r"^(tong cong|tong so|tong|cong)\b")

REQUIRED_TASK = {
    "code": gettext_lazy("Mã nhiệm vụ (hoặc STT)"),
    "name": gettext_lazy("Nhiệm vụ"),
    "lead": gettext_lazy("Đơn vị chủ trì"),
}


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    place: Place

    def text(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].text

    def cell(self, index: int | None) -> Cell:
        if index is None or index >= len(self.cells):
            return Cell("")
        return self.cells[index]

    def raw(self) -> str:
        return "\t".join(cell.text for cell in self.cells)


@dataclass(frozen=True)
class Column:
    index: int
    role: Role
    title: str
    phase: str | None = None
    scale: Decimal | None = None
    year: int | None = None
    level: Level | None = None


@dataclass(frozen=True)
class Header:
    columns: tuple[Column, ...]
    height: int  # rows it takes (1, or 2 with a sub-header)
    titles: tuple[str, ...]

    def first(self, *roles: Role) -> Column | None:
        return next((c for role in roles for c in self.columns if c.role == role), None)

    def all(self, role: Role) -> list[Column]:
        return [column for column in self.columns if column.role == role]

    @property
    def kind(self) -> Literal["tasks", "targets"]:
        roles = {column.role for column in self.columns}
        if "target" in roles and "name" not in roles and ("year" in roles or "unit" in roles):
            return "targets"
        return "tasks"

    def missing(self) -> list[str]:
        roles = {column.role for column in self.columns}
        if self.kind == "targets":
            return [] if "year" in roles else [_("Năm (ví dụ 2025)")]
        found = {
            "code": bool(roles & {"code", "number"}),
            "name": bool(roles & {"name", "content"}),
            "lead": "lead" in roles,
        }
        return [str(label) for key, label in REQUIRED_TASK.items() if not found[key]]

    def same_as(self, row: Row) -> bool:
        texts = tuple(fold(row.text(i)) for i in range(len(self.titles)))
        return sum(1 for a, b in zip(texts, self.titles, strict=False) if a and a == b) >= max(2, len(self.columns) - 1)


def classify(title: str) -> Role | None:
    folded = fold(title)
    if not folded:
        return None
    return next((role for pattern, role in _RULES if pattern.search(folded)), None)


# --- finding the header ----------------------------------------------------------------------------


def find_header(rows: Sequence[Row], *, limit: int = 6) -> tuple[Header, int] | None:
    """The header and the index of the first data row, looking at the first few rows; a header
    may be split over two physical rows (a line break in a cell) or carry a sub-header."""
    width = max((len(row.cells) for row in rows), default=0)
    for index in range(min(limit, len(rows))):
        candidates = [(rows[index], 1)]
        if index + 1 < len(rows) and len(rows[index].cells) < width:
            glued = _glue(rows[index], rows[index + 1])
            if len(glued.cells) <= width:
                candidates.append((glued, 2))
        best: tuple[Header, int] | None = None
        for row, used in candidates:
            header = _header_from(row)
            if header is None:
                continue
            if best is None or _score(header) > _score(best[0]):
                best = (header, used)
        if best is not None:
            header, used = best
            after = index + used
            if after < len(rows) and _is_sub_header(rows[after]):
                header = _with_sub_header(
                    rows[index] if used == 1 else _glue(rows[index], rows[index + 1]), rows[after]
                )
                after += 1
            return header, after
    return None


def _score(header: Header) -> int:
    return len({column.role for column in header.columns})


def _glue(first: Row, second: Row) -> Row:
    """Two physical lines that are one row broken inside a cell."""
    if not first.cells or not second.cells:
        return first
    joined = Cell(clean(f"{first.cells[-1].text} {second.cells[0].text}"))
    return Row((*first.cells[:-1], joined, *second.cells[1:]), first.place)


def mend_rows(rows: Sequence[Row], width: int) -> list[Row]:
    """Join a row that is short of cells with the next line when that line does not start a new
    row: a line break inside a cell of pasted text ("Số hóa hồ sơ⏎lưu trữ")."""
    mended: list[Row] = []
    for row in rows:
        previous = mended[-1] if mended else None
        if (
            previous is not None
            and len(previous.cells) < width
            and row.cells
            and row.cells[0].text.strip()
            and not CODE.match(clean(row.cells[0].text))
            and len(previous.cells) + len(row.cells) - 1 <= width
        ):
            mended[-1] = _glue(previous, row)
        else:
            mended.append(row)
    return mended


def _header_from(row: Row) -> Header | None:
    columns = []
    for index, cell in enumerate(row.cells):
        if cell.span_repeat:
            continue
        role = classify(cell.text)
        if role is not None:
            columns.append(_column(index, role, cell.text, ""))
    roles = {column.role for column in columns}
    task_code = any(c.role == "code" and re.search(r"nhiem vu|hanh dong", fold(c.title)) for c in columns)
    if len(roles & _ANCHORS) < 2 or not (roles & {"name", "target"} or {"content", "lead"} <= roles or task_code):
        return None
    return Header(tuple(columns), 1, tuple(fold(cell.text) for cell in row.cells))


def _is_sub_header(row: Row) -> bool:
    texts = [cell.text for cell in row.cells if cell.text and not cell.merged_above]
    if not texts:
        return False
    return all(
        phase_of(t) or TOTAL.match(fold(t)) or level_mentions(t) or re.fullmatch(r"(19|20)\d{2}", t.strip())
        for t in texts
    )


def _with_sub_header(top: Row, sub: Row) -> Header:
    columns: list[Column] = []
    last_title = ""
    width = max(len(top.cells), len(sub.cells))
    for index in range(width):
        title = top.text(index) if not top.cell(index).span_repeat else last_title
        sub_cell = sub.cell(index)
        sub_text = "" if sub_cell.merged_above else sub_cell.text
        if not title and sub_text:
            title = last_title
        last_title = title or last_title
        role = classify(title)
        if role is None and sub_text and _is_year(sub_text):
            role = "year"
        if role is None:
            continue
        if role == "target" and sub_text and (_is_year(sub_text) or level_mentions(sub_text)):
            role = "year"
        columns.append(_column(index, role, title, sub_text))
    titles = tuple(fold(top.text(i)) for i in range(width))
    return Header(tuple(columns), 2, titles)


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(?:năm\s+)?(19|20)\d{2}", text.strip(), flags=re.IGNORECASE))


def _column(index: int, role: Role, title: str, sub: str) -> Column:
    both = f"{title} {sub}".strip()
    year_match = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", sub or title) if role == "year" else None
    levels = level_mentions(sub) if sub else []
    return Column(
        index=index,
        role=role,
        title=both,
        phase=phase_of(both) if role == "budget" else None,
        scale=money_scale(title) if role == "budget" else None,
        year=int(year_match.group(1)) if year_match else None,
        level=levels[0].level if levels else None,
    )


def column_numbers(row: Row) -> bool:
    texts = [cell.text.strip() for cell in row.cells if cell.text.strip()]
    return len(texts) >= 3 and all(COLUMN_NUMBER.match(t) for t in texts)


def group_title(row: Row, code_text: str, texts: list[str]) -> str | None:
    """ "I | CHÍNH QUYỀN SỐ", or one title spread over the whole row."""
    if ROMAN.match(code_text) or GROUP_LETTER.match(code_text):
        others = [t for t in texts if clean(t) != code_text]
        return others[0] if others else code_text
    spans = any(cell.span_repeat for cell in row.cells)
    if len(set(texts)) == 1 and (spans or (not code_text and _mostly_upper(texts[0]))):
        title = re.sub(r"^[IVXLC]+[.)]\s*", "", texts[0])
        return title
    return None


def _mostly_upper(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and sum(char.isupper() for char in letters) / len(letters) > 0.8


# --- a header said by the user (a saved column mapping) --------------------------------------------

# The roles a user may give a column of a table the importer could not classify ("ignore" aside).
MAPPABLE_ROLES: tuple[Role, ...] = (
    "code",
    "name",
    "content",
    "lead",
    "partners",
    "timeline",
    "deliverable",
    "note",
    "budget",
    "funding",
    "target",
    "year",
    "unit",
)


@dataclass(frozen=True)
class MappedColumn:
    """What the user said one column is: a role, with the phase of a budget column ("2022-2025")
    or the year of a target column (2025, also for a horizon "Tầm nhìn đến năm 2045")."""

    role: Role
    phase: str | None = None
    year: int | None = None


def header_signature(texts: Sequence[str]) -> str:
    """The shape of a header row: its cells folded (NFC, lower case, no diacritics, spaces
    collapsed) and joined, so that "Hạng mục | Số lượng" written with another Unicode form or
    spacing is the same shape. Trailing empty cells do not count."""
    folded = [fold(text) for text in texts]
    while folded and not folded[-1]:
        folded.pop()
    return "|".join(folded)


def header_from_mapping(row: Row, mapped: Sequence[MappedColumn | None]) -> Header:
    """The header of a table whose columns the user named (None: a column left out)."""
    columns = []
    for index, item in enumerate(mapped):
        if item is None:
            continue
        title = row.text(index)
        columns.append(
            Column(
                index=index,
                role=item.role,
                title=title,
                phase=(item.phase or phase_of(title)) if item.role == "budget" else None,
                scale=money_scale(title) if item.role == "budget" else None,
                year=item.year if item.role == "year" else None,
            )
        )
    return Header(tuple(columns), 1, tuple(fold(cell.text) for cell in row.cells))
