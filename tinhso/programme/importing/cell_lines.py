"""Word tables exported one cell per line (what many Word → text converters give).

Each cell is its own line, an empty cell is a lone non-breaking space, and a vertically merged
cell is simply absent: a row of a nine-column table may have seven lines. A blank line ends the
table (a page break between two parts of a split table is a blank line too: the table goes on
when the next line is the next row's code or the header again).

Reading it takes three steps:

1. the header: a run of short lines that each name a column (:func:`headers.classify`) and
   together name a task or target table;
2. the rows: the code column comes first, so a row starts at a line that reads as the next
   code (``2`` after ``1``, ``2.1`` under ``2``, ``KTS1`` after ``CQS3``) or as a group title
   (``I`` then ``CHÍNH QUYỀN SỐ``, or a lone pillar name); the next code is looked for at most
   one table width ahead, so a value ``70`` in a row is not taken for a code;
3. the cells: the k lines of a row are laid over the n columns (k ≤ n) keeping their order,
   choosing which columns are absent (merged) so that each line fits its column best — an
   agency name under "chủ trì", a year under "thời gian", a number under "kinh phí". An absent
   cell repeats the cell above, flagged as merged, as the Word reader gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tinhso.core.text import clean

from .headers import CODE, COLUMN_NUMBER, GROUP_LETTER, ROMAN, Role, classify
from .shapes import Cell, Table
from .statements import infer_pillar

NBSP = "\u00a0"
_HEADING = re.compile(r"^([IVXLC]+|\d{1,2}|[a-zđ])[.)]\s|^ph[uụ] l[uụ]c\b", re.IGNORECASE)
_AGENCY = re.compile(
    r"^(các |ubnd|ủy ban|uỷ ban|sở|văn phòng|vp |công an|phòng|trung tâm|ban |bảo hiểm|thanh tra|cục|chi cục|"
    r"tỉnh đoàn|hội|đài|báo|ngân hàng|kho bạc|viện|trường|bệnh viện|liên minh|đoàn|cơ quan|đơn vị|doanh nghiệp|"
    r"bộ |tổng công ty|viettel|vnpt|mobifone|bưu điện)",
    re.IGNORECASE,
)
_FUNDING = re.compile(
    r"^(ngân sách|nguồn|vốn|xã hội hóa|xã hội hoá|oda|lồng ghép|doanh nghiệp|huy động)", re.IGNORECASE
)
_TIME = re.compile(r"(19|20)\d{2}|\b(quý|quy|hằng năm|hàng năm|thường xuyên|định kỳ|năm)\b", re.IGNORECASE)
_NUMBER = re.compile(r"^[~≥≤<>]?\s*[\d.,]+\s*(%|tỷ|triệu)?$|^-$", re.IGNORECASE)
_BULLET = re.compile(r"^[-+•*–]\s")
_HEADER_MAX = 90
_TEXT_ROLES: frozenset[Role] = frozenset({"name", "content", "target", "deliverable", "note", "pillar"})
_AGENCY_ROLES: frozenset[Role] = frozenset({"lead", "partners", "tracking"})
_ABSENT = -1.0


@dataclass(frozen=True)
class LineTable:
    table: Table
    end: int  # index of the first line after the table


def header_at(lines: list[str], index: int) -> list[tuple[str, Role]] | None:
    """The header cells starting at ``lines[index]``, if a task or target table starts there."""
    found: list[tuple[str, Role]] = []
    position = index
    while position < len(lines):
        text = lines[position].strip()
        if not text or len(text) > _HEADER_MAX or _HEADING.match(text):
            break
        role = classify(text)
        if role is None:
            break
        found.append((text, role))
        position += 1
    roles = {role for _text, role in found}
    if len(found) < 3 or not roles & {"code", "number"} or found[0][1] not in ("code", "number"):
        return None
    if not (roles & {"name", "content", "target"} and roles & {"lead", "partners", "tracking", "year", "unit"}):
        return None
    return found


def read_line_table(lines: list[str], index: int, number: int) -> LineTable | None:
    """The table whose header starts at ``lines[index]``; None when there is none."""
    header = header_at(lines, index)
    if header is None:
        return None
    width = len(header)
    roles = [role for _title, role in header]
    position = index + width
    if all(COLUMN_NUMBER.match(clean(line)) for line in lines[position : position + width]) and position + width <= len(
        lines
    ):
        position += width
    rows: list[list[Cell]] = [[Cell(title) for title, _role in header]]
    refs = [index + 1]
    above: list[str] = [""] * width
    last_code: str | None = None
    while position < len(lines):
        line = lines[position]
        if not line.strip(" \t\r"):
            following = _next_filled(lines, position)
            if following is None or not _goes_on(lines[following], header, last_code):
                break
            position = following
            if lines[position].strip() == header[0][0]:
                position += width
            continue
        first = clean(line)
        if (
            _is_group_start(first)
            and position + 1 < len(lines)
            and _is_text(lines[position + 1])
            and _code_after(lines, position + 2, last_code)
        ):
            title = clean(lines[position + 1])
            rows.append([Cell(first), Cell(title)] + [Cell(title, span_repeat=True)] * (width - 2))
            refs.append(position + 1)
            position += 2
            continue
        if (
            not CODE.match(first)
            and (infer_pillar(first) or first.isupper())
            and _code_after(lines, position + 1, last_code)
        ):
            rows.append([Cell(first)] + [Cell(first, span_repeat=True)] * (width - 1))
            refs.append(position + 1)
            position += 1
            continue
        if not CODE.match(first):
            break
        end = _row_end(lines, position, width, first)
        cells = _lay_out(lines[position:end], roles, above)
        rows.append(cells)
        refs.append(position + 1)
        above = [cell.text for cell in cells]
        last_code = first.rstrip(".")
        position = end
    if len(rows) < 2:
        return None
    return LineTable(Table(rows=rows, refs=refs, number=number), position)


def _next_filled(lines: list[str], position: int) -> int | None:
    while position < len(lines) and not lines[position].strip(" \t\r"):
        position += 1
    return position if position < len(lines) else None


def _goes_on(line: str, header: list[tuple[str, Role]], last_code: str | None) -> bool:
    """After a blank line: the header repeated, or the next row's code (a split table)."""
    text = clean(line)
    return text == header[0][0] or (last_code is not None and _follows(last_code, text))


def _is_group_start(text: str) -> bool:
    return bool(ROMAN.match(text) or GROUP_LETTER.match(text))


def _is_text(line: str) -> bool:
    text = clean(line)
    return bool(text) and not CODE.match(text) and any(char.isalpha() for char in text)


def _code_after(lines: list[str], position: int, last_code: str | None) -> bool:
    """A group row is followed by a row starting with a code (or ends the table)."""
    if position >= len(lines) or not lines[position].strip(" \t\r"):
        return True
    text = clean(lines[position])
    return bool(CODE.match(text)) or _is_group_start(text)


_PARTS = re.compile(r"^([A-Za-zĐđ]*)[-_]?(\d+(?:\.\d+)*)\.?$")


def _split_code(code: str) -> tuple[str, list[int]] | None:
    match = _PARTS.match(code)
    if not match:
        return None
    return match.group(1).upper(), [int(part) for part in match.group(2).split(".")]


def _follows(previous: str, text: str) -> bool:
    """Whether ``text`` can be the code of the row after the row coded ``previous``."""
    if _is_group_start(text):
        return True
    after, before = _split_code(text.rstrip(".") or "x"), _split_code(previous)
    if after is None or before is None:
        return False
    prefix, numbers = after
    if prefix != before[0]:
        return numbers == [1]
    old = before[1]
    if numbers == [*old, 1]:
        return True
    return any(numbers == [*old[:level], old[level] + 1] for level in range(len(old)))


def _row_end(lines: list[str], start: int, width: int, code: str) -> int:
    """The line after the row starting at ``start``: the last place within one table width
    where the next code (or a group row) may start, else the table width or a blank line."""
    limit = min(len(lines), start + width)
    end = start + 1
    while end < limit and lines[end].strip(" \t\r"):
        if _BULLET.match(lines[end].strip()) and _BULLET.match(lines[end - 1].strip()):
            limit = min(len(lines), limit + 1)  # a list in one cell: one line per item
        end += 1
    previous = code.rstrip(".")
    candidates = [
        position
        for position in range(start + 2, end + 1)
        if position < len(lines)
        and lines[position].strip(" \t\r")
        and _follows(previous, clean(lines[position]))
        and not (position < end and _is_value_of_row(lines, position))
    ]
    if end < len(lines) and lines[end].strip(" \t\r") and end not in candidates and candidates:
        return candidates[-1]
    return end


def _is_value_of_row(lines: list[str], position: int) -> bool:
    """A bare number followed by another number or a unit is a value, not a code."""
    following = clean(lines[position + 1]) if position + 1 < len(lines) else ""
    return bool(_NUMBER.match(following)) and not _is_group_start(clean(lines[position]))


def _fit(text: str, role: Role) -> float:
    """How well a line fits a column (higher is better)."""
    if text == NBSP or not text.strip():
        return 0.0
    value = clean(text)
    agency = bool(_AGENCY.match(value))
    number = bool(_NUMBER.match(value))
    if role in ("code", "number"):
        return 3.0 if CODE.match(value) else -5.0
    if role in _AGENCY_ROLES:
        return 3.0 if agency else -2.0
    if role == "timeline":
        return 3.0 if _TIME.search(value) and len(value) < 60 else -2.0
    if role in ("budget", "year"):
        return 3.0 if number or (any(ch.isdigit() for ch in value) and len(value) < 40) else -1.5
    if role == "unit":
        return 1.0 if len(value.split()) <= 3 and not agency else -1.0
    if role == "funding":
        return 3.0 if _FUNDING.match(value) else -1.0
    if role in _TEXT_ROLES:
        return -1.0 if number or (agency and role != "note") else 1.0
    return 0.0


def _lay_out(lines: list[str], roles: list[Role], above: list[str]) -> list[Cell]:
    """Lay ``lines`` over the columns, in order, leaving out (merged) the columns that make the
    best fit; a bullet line may continue the text cell before it."""
    width = len(roles)
    count = len(lines)
    minus = float("-inf")
    best = [[minus] * (width + 1) for _ in range(count + 1)]
    move: list[list[str]] = [[""] * (width + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for i in range(count + 1):
        for j in range(width + 1):
            here = best[i][j]
            if here == minus:
                continue
            if j < width:
                absent = here + (_ABSENT if j > 0 else -10.0)
                if absent > best[i][j + 1]:
                    best[i][j + 1], move[i][j + 1] = absent, "absent"
            if i < count and j < width:
                present = here + _fit(lines[i], roles[j])
                if present > best[i + 1][j + 1]:
                    best[i + 1][j + 1], move[i + 1][j + 1] = present, "present"
            if i > 0 and j > 0 and i < count and roles[j - 1] in _TEXT_ROLES and _BULLET.match(lines[i].strip()):
                # a bullet goes on a list of bullets; right after a plain cell it rather starts a cell
                joined = here + (0.5 if _BULLET.match(lines[i - 1].strip()) else -0.5)
                if joined > best[i + 1][j]:
                    best[i + 1][j], move[i + 1][j] = joined, "join"
    cells: list[list[str] | None] = [None] * width
    i, j = count, width
    while i > 0 or j > 0:
        step = move[i][j]
        if step == "absent":
            j -= 1
        elif step == "present":
            cells[j - 1] = [lines[i - 1]] + (cells[j - 1] or [])
            i, j = i - 1, j - 1
        elif step == "join":
            cells[j - 1] = [lines[i - 1]] + (cells[j - 1] or [])
            i -= 1
        else:  # unreachable: every line is placed
            break
    out: list[Cell] = []
    for column, parts in enumerate(cells):
        if parts is None:
            out.append(Cell(above[column] if column < len(above) else "", merged_above=True))
        else:
            text = "\n".join(part.strip() for part in parts if part.replace(NBSP, "").strip())
            out.append(Cell(text))
    return out
