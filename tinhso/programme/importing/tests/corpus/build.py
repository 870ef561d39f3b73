"""Render a corpus layout (a compact description) into the file a province would upload.

A layout file (``<name>.layout``) is plain text:

- ``@format docx`` (a Word file built with python-docx), ``@format lines`` (a Word table
  exported one cell per line: an empty cell is a lone U+00A0, a merged cell is absent) or
  ``@format tsv`` (tab-separated, as pasted);
- any other line is a paragraph, until ``@table``; table rows are ``cell | cell | …`` up to
  ``@end``. In a row, ``^`` is a cell merged with the one above (vertically) and ``<`` a cell
  merged with the one on its left (horizontally); an empty cell is written as nothing between
  bars. ``\\n`` inside a cell is a line break (a new paragraph in Word).

Two ``@table`` blocks in a row (with or without a paragraph between) are a table split across
pages, as converters give it. The expected values are in ``<name>.expected.json`` beside it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import docx

CORPUS = Path(__file__).resolve().parent
NBSP = "\u00a0"


@dataclass
class Layout:
    name: str
    format: str
    blocks: list[str | list[list[str]]] = field(default_factory=list)


def layouts() -> list[Path]:
    return sorted(CORPUS.glob("*.layout"))


def read_layout(path: Path) -> Layout:
    layout = Layout(name=path.stem, format="docx")
    table: list[list[str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if line.startswith("@format "):
            layout.format = line.split()[1]
        elif line == "@table":
            table = []
            layout.blocks.append(table)
        elif line == "@end":
            table = None
        elif table is not None:
            if line.strip():
                table.append([cell.strip().replace("\\n", "\n") for cell in line.split("|")])
        elif line.strip() and not line.startswith("#"):
            layout.blocks.append(line.strip())
    return layout


def render(path: Path) -> tuple[str, bytes]:
    """The file name and bytes the importer is given for the layout at ``path``."""
    layout = read_layout(path)
    if layout.format == "docx":
        return f"{layout.name}.docx", _docx(layout)
    if layout.format == "lines":
        return f"{layout.name}.txt", _lines(layout).encode("utf-8")
    if layout.format == "tsv":
        return f"{layout.name}.txt", _tsv(layout).encode("utf-8")
    raise ValueError(f"unknown format {layout.format!r} in {path.name}")


def _docx(layout: Layout) -> bytes:
    document = docx.Document()
    for block in layout.blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(row) for row in block)
        table = document.add_table(rows=len(block), cols=width)
        table.style = "Table Grid"
        grid = [row.cells for row in table.rows]
        for r, row in enumerate(block):
            for c in range(width):
                value = row[c] if c < len(row) else ""
                if value not in ("^", "<"):
                    grid[r][c].text = value
        merges: list[tuple[int, int, int, int]] = []
        for r, row in enumerate(block):
            for c in range(width):
                value = row[c] if c < len(row) else ""
                if value in ("^", "<"):
                    continue
                bottom, right = r, c
                while bottom + 1 < len(block) and _at(block, bottom + 1, c) == "^":
                    bottom += 1
                while right + 1 < width and _at(block, r, right + 1) == "<":
                    right += 1
                if (bottom, right) != (r, c):
                    merges.append((r, c, bottom, right))
        for r, c, bottom, right in merges:
            table.cell(r, c).merge(table.cell(bottom, right))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _at(block: list[list[str]], r: int, c: int) -> str:
    return block[r][c] if c < len(block[r]) else ""


def _lines(layout: Layout) -> str:
    out: list[str] = []
    for block in layout.blocks:
        if isinstance(block, str):
            out.extend(["", block, ""])
            continue
        for row in block:
            for value in row:
                if value in ("^", "<"):
                    continue
                out.extend(value.split("\n") if value else [NBSP])
        out.append("")
    return "\n".join(out) + "\n"


def _tsv(layout: Layout) -> str:
    out: list[str] = []
    for block in layout.blocks:
        if isinstance(block, str):
            out.extend(["", block, ""])
            continue
        for row in block:
            cells = ["" if value in ("^", "<") else value for value in row]
            out.append("\t".join(f'"{cell}"' if "\n" in cell else cell for cell in cells))
        out.append("")
    return "\n".join(out) + "\n"
