"""The shapes every reader produces: paragraphs and tables of cells, in document order
(:mod:`.blocks` builds them from text, Word and Excel; :mod:`.cell_lines` from one-cell-per-line
exports)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Origin = Literal["text", "docx", "xlsx"]


@dataclass(frozen=True)
class Cell:
    """``merged_above``: a vertically merged cell repeating the one above (Word); ``span_repeat``:
    a horizontally merged cell seen again in the next grid column."""

    text: str
    merged_above: bool = False
    span_repeat: bool = False


@dataclass
class Paragraph:
    text: str
    ref: int  # line number (text) or paragraph number (Word)
    list_item: bool = False


@dataclass
class Table:
    rows: list[list[Cell]]
    refs: list[int]  # per row: line number (text), row number (Word, Excel)
    number: int  # 1-based, in document order
    sheet: str | None = None  # Excel sheet the rows came from


Block = Paragraph | Table
