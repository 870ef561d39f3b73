"""One shape for every input: a sequence of paragraphs and tables, in document order.

Pasted text, Word and Excel differ in how they show a table (tab-separated lines, ``w:tbl``,
sheet rows) and a merged cell (an empty cell, a ``w:vMerge`` repeat, an empty cell again), but
the scheme's structure is the same; reading it once, from this shape, keeps the three readers
in agreement.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator

from docx.document import Document as DocxDocument
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from .cell_lines import LineTable, read_line_table
from .shapes import Block, Cell, Paragraph, Table

_MARKDOWN_EMPHASIS = re.compile(r"(?<!\w)(\*{1,2}|_{2})(?=\S)|(?<=\S)(\*{1,2}|_{2})(?!\w)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def tidy(text: str) -> str:
    """NFC, without control characters or Markdown emphasis left by a Word→text converter."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _MARKDOWN_EMPHASIS.sub("", _CONTROL.sub("", text))


# --- pasted text -------------------------------------------------------------------------------


def text_blocks(text: str) -> list[Block]:
    """Lines with a tab are table rows; a run of them (no blank line between) is a table. A
    line without a tab inside such a run continues the row above it (a line break in a cell).
    A table exported one cell per line is recognised by its header (:mod:`.cell_lines`)."""
    lines = tidy(text).split("\n")
    blocks: list[Block] = []
    table: Table | None = None
    index = 0
    while index < len(lines):
        line, number = lines[index], index + 1
        if "\t" in line:
            record, used = _quoted_record(lines, index)
            cells = [Cell(value) for value in _split_record(record)]
            if table is None:
                table = Table(rows=[], refs=[], number=sum(isinstance(b, Table) for b in blocks) + 1)
                blocks.append(table)
            table.rows.append(cells)
            table.refs.append(number)
            index += used
            continue
        if table is not None and line.strip() and _inside_table(lines, index, table):
            table.rows.append([Cell(line)])
            table.refs.append(number)
            index += 1
            continue
        table = None
        found = _cell_per_line_table(lines, index, blocks) if line.strip() else None
        if found is not None:
            blocks.append(found.table)
            index = found.end
            continue
        if line.strip():
            blocks.append(Paragraph(line.strip(), number))
        index += 1
    return blocks


def _cell_per_line_table(lines: list[str], index: int, blocks: list[Block]) -> LineTable | None:
    """A Word table exported one cell per line starting here (see :mod:`.cell_lines`)."""
    return read_line_table(lines, index, sum(isinstance(b, Table) for b in blocks) + 1)


def _inside_table(lines: list[str], index: int, table: Table) -> bool:
    """A tab-less line between two table rows, or after a row shorter than the table."""
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if "\t" in following:
        return True
    widest = max(len(row) for row in table.rows)
    return len(table.rows[-1]) < widest


def _quoted_record(lines: list[str], index: int) -> tuple[str, int]:
    """Excel quotes a cell that holds line breaks: join lines until the quote closes."""
    record = lines[index]
    used = 1
    while _open_quote(record) and index + used < len(lines) and used < 50:
        record += "\n" + lines[index + used]
        used += 1
    if _open_quote(record):
        return lines[index], 1
    return record, used


def _open_quote(record: str) -> bool:
    for cell in record.split("\t"):
        stripped = cell.lstrip()
        if stripped.startswith('"') and (stripped.count('"') % 2 == 1):
            return True
    return False


def _split_record(record: str) -> list[str]:
    if '"' not in record:
        return record.split("\t")
    try:
        return next(csv.reader(io.StringIO(record), delimiter="\t", quotechar='"'))
    except (csv.Error, StopIteration):
        return record.split("\t")


# --- Word --------------------------------------------------------------------------------------


def docx_blocks(document: DocxDocument) -> list[Block]:
    """Paragraphs and tables of the body in order. Merged cells are kept as python-docx shows
    them (the text repeated) but flagged, so the table reader can tell a repeat from a value."""
    blocks: list[Block] = []
    tables = 0
    for number, item in enumerate(document.iter_inner_content(), start=1):
        if isinstance(item, DocxParagraph):
            text = tidy(item.text).strip()
            if text:
                blocks.append(Paragraph(text, number, list_item=_is_list_item(item)))
        elif isinstance(item, DocxTable):
            tables += 1
            blocks.append(_docx_table(item, tables))
    return blocks


def _is_list_item(paragraph: DocxParagraph) -> bool:
    """Word's automatic bullets and numbers are not in the text: a numbered paragraph is a bullet."""
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.numPr is not None:
        return True
    style = paragraph.style.name if paragraph.style is not None else ""
    return "List" in (style or "")


def _docx_table(table: DocxTable, number: int) -> Table:
    rows: list[list[Cell]] = []
    above: dict[int, str] = {}
    for row in table.rows:
        tr = row._tr
        cells: list[Cell] = [Cell("") for _ in range(tr.grid_before)]
        for tc in tr.tc_lst:
            column = len(cells)
            if tc.vMerge == "continue":
                text, merged = above.get(column, ""), True
            else:
                text, merged = tidy(_Cell(tc, table).text).strip(), False
            for span in range(tc.grid_span):
                cells.append(Cell(text, merged_above=merged, span_repeat=span > 0))
        cells.extend(Cell("") for _ in range(tr.grid_after))
        above = {column: cell.text for column, cell in enumerate(cells)}
        rows.append(cells)
    return Table(rows=rows, refs=list(range(1, len(rows) + 1)), number=number)


def paragraphs(blocks: list[Block]) -> Iterator[Paragraph]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
