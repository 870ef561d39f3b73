"""Seeds and small builders shared by the importer's tests (no database)."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument

from tinhso.programme.importing import ParseResult, parse_text

# The shared seeds (../shared/seeds/000_… and 003_…), committed beside the demo loader.
THAI_BINH = "thai-binh-2022-de-an-chuyen-doi-so.txt"
THANH_HOA = "thanh-hoa-2020-ke-hoach-chuyen-doi-so.txt"


def repo_root() -> Path:
    """The folder holding pyproject.toml, wherever the tests are run from."""
    here = Path(__file__).resolve()
    return next(parent for parent in here.parents if (parent / "pyproject.toml").is_file())


def seeds_dir() -> Path:
    """The seed schemes committed with the demo data (the same files as the shared seeds), so
    the tests run from any clone. TINHSO_SEEDS_DIR points them at other copies."""
    return Path(os.environ.get("TINHSO_SEEDS_DIR") or repo_root() / "tinhso" / "programme" / "data" / "seeds")


def seed_text(name: str) -> str:
    return (seeds_dir() / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def thai_binh_text() -> str:
    return seed_text(THAI_BINH)


@pytest.fixture(scope="session")
def thai_binh(thai_binh_text: str) -> ParseResult:
    return parse_text(thai_binh_text)


@pytest.fixture(scope="session")
def thanh_hoa() -> ParseResult:
    return parse_text(seed_text(THANH_HOA))


def appendix_rows(text: str, title: str, stop: str) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of one appendix of a seed, as tab-separated cells."""
    lines = text.split("\n")
    start = lines.index(title)
    header: list[str] = []
    rows: list[list[str]] = []
    for line in lines[start + 1 :]:
        if line.startswith(stop):
            break
        if "\t" in line:
            cells = line.split("\t")
            if not header:
                header = cells
            elif cells != header:
                rows.append(cells)
    return header, rows


def add_table(
    document: DocxDocument,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    merge_down: Sequence[int] = (),
    with_header: bool = True,
) -> None:
    """A Word table; in the columns ``merge_down``, runs of equal values become one vertically
    merged cell (the value written once, as Word does)."""
    offset = 1 if with_header else 0
    table = document.add_table(rows=offset + len(rows), cols=len(header))
    grid = [row.cells for row in table.rows]  # table.cell() rebuilds the whole grid on every call
    if with_header:
        for column, title in enumerate(header):
            grid[0][column].text = title
    for index, row in enumerate(rows):
        for column, value in enumerate(row):
            repeated = column in merge_down and index > 0 and rows[index - 1][column] == value
            if not repeated:
                grid[offset + index][column].text = value
    for column in merge_down:
        index = 0
        while index < len(rows):
            end = index
            while end + 1 < len(rows) and rows[end + 1][column] == rows[index][column]:
                end += 1
            if end > index:
                table.cell(offset + index, column).merge(table.cell(offset + end, column))
            index = end + 1


def docx_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def new_document() -> DocxDocument:
    return docx.Document()
