"""Word documents in the layout of Vietnamese administrative documents, and their PDF.

Decree 30/2020/NĐ-CP (Appendix I) fixes the page (A4 portrait, margins), the font (Times New
Roman), the heading (issuing body top-left; national title and motto top-right, each with a
short rule under it; place and date) and how numbers and dates are written. The helpers here
build such documents with python-docx and turn them into PDF with LibreOffice; the province
report (``tinhso.programme.documents``) and the one-stop shop's forms
(``tinhso.onestop.printing.documents``) are both made of them.

Documents are written in Vietnamese whatever the reader's UI language: callers build them
under ``translation.override("vi")``; the phrases here still go through ``gettext``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from tinhso.core.text import fold

# Content types of the documents the platform writes (and accepts as uploads).
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"

FONT = "Times New Roman"
# Decree 30/2020, Appendix I: A4 portrait, margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(20), Mm(20), Mm(30), Mm(15)
TEXT_WIDTH_MM = 210 - 30 - 15
BODY_PT = 14
TABLE_PT = 12
SMALL_TABLE_PT = 11
DASH = "—"


# --- words and numbers ------------------------------------------------------------------------


def vn_number(value: Decimal | int | str) -> str:
    """A number as Vietnamese documents write it: "." between thousands, "," before decimals,
    no trailing zeros (17500.500 → "17.500,5")."""
    number = Decimal(str(value))
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{number:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def vn_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def place_date_line(place: str, day: dt.date) -> str:
    """Decree 30: days below 10 and the months 1 and 2 take a leading zero ("ngày 05 tháng 02",
    but "tháng 7"), so that nobody can add a digit in front later."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


@dataclass(frozen=True)
class Issuer:
    """The heading of the document: who issues it, under whom, and where."""

    parent_name: str
    name: str
    place: str
    collective: bool  # a people's committee signs "TM." (on behalf of the collective)


PLACE_PREFIXES = ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Thị trấn ", "Đặc khu ")


def place_of(unit_name: str) -> str:
    """ "Tỉnh Hưng Yên" → "Hưng Yên", "Phường Hiến Nam" → "Hiến Nam": Decree 30 writes the
    proper name of the province (or of the commune, for a commune's body) only."""
    for prefix in PLACE_PREFIXES:
        if unit_name[: len(prefix)].lower() == prefix.lower() and len(unit_name) > len(prefix):
            return unit_name[len(prefix) :]
    return unit_name


# --- Word: low-level helpers -----------------------------------------------------------------


def set_fonts(rpr: BaseOxmlElement) -> None:
    """Times New Roman for every script of a run, a style or the document defaults (``rpr``
    is their ``w:rPr``): python-docx sets only ``ascii``/``hAnsi``, and Word picks the
    ``eastAsia`` font for some Vietnamese letters, so all four slots are set and the theme
    fonts that would take precedence over them are dropped."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)


def add_run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
) -> None:
    run = paragraph.add_run(text.upper() if caps else text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    set_fonts(run._r.get_or_add_rPr())


def format_paragraph(
    paragraph: Paragraph,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    first_line: float = 0,
    before: float = 0,
    after: float = 0,
    keep_with_next: bool = False,
) -> Paragraph:
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Mm(first_line) if first_line else None
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    fmt.keep_with_next = keep_with_next or None
    return paragraph


def write(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    first_line: float = 0,
    before: float = 0,
    after: float = 0,
    reuse_first: bool = False,
    keep_with_next: bool = False,
) -> Paragraph:
    """One paragraph of one run. A new table cell already holds an empty paragraph, which
    ``reuse_first`` fills instead of leaving a blank line on top."""
    paragraph = container.paragraphs[0] if reuse_first else container.add_paragraph()
    format_paragraph(
        paragraph, align=align, first_line=first_line, before=before, after=after, keep_with_next=keep_with_next
    )
    if text:
        add_run(paragraph, text, size=size, bold=bold, italic=italic, caps=caps)
    return paragraph


def body(document: DocxDocument, text: str, *, bold: bool = False, italic: bool = False) -> Paragraph:
    return write(document, text, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=12.7, after=6)


def section_heading(document: DocxDocument, text: str) -> Paragraph:
    return write(
        document,
        text,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line=12.7,
        before=6,
        after=6,
        keep_with_next=True,
    )


def short_rule(container: DocxDocument | _Cell, width_mm: float, rule_mm: float) -> Paragraph:
    """The short line Decree 30 draws under the issuing body, the motto and the summary: an
    empty paragraph one point high whose bottom border is narrowed by equal indents to
    ``rule_mm``, centred in ``width_mm``. A separate paragraph, so the text above keeps its
    full width."""
    paragraph = write(container)
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(1)
    fmt.space_before = Pt(2)
    indent = max((width_mm - rule_mm) / 2, 0)
    fmt.left_indent, fmt.right_indent = Mm(indent), Mm(indent)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)
    return paragraph


# Word refuses a document whose property elements are out of the schema's order (LibreOffice
# does not mind), so each hand-made element goes in before the ones the schema puts after it.
PPR_AFTER_BORDER = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
TCPR_AFTER_SHADING = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
TBLPR_ORDER = (
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
)


def add_table_property(table: Table, element: BaseOxmlElement) -> None:
    tag = next(name for name in TBLPR_ORDER if qn(name) == element.tag)
    table._tbl.tblPr.insert_element_before(element, *TBLPR_ORDER[TBLPR_ORDER.index(tag) + 1 :])


def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Word reads the cells' widths, LibreOffice the grid's: both are set."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    add_table_property(table, borders)


def repeat_header(row: _Row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)  # trPr's children may come in any order


def cant_split(row: _Row) -> None:
    """A row whose text wraps stays whole on one page instead of breaking mid-sentence."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def shade(cell: _Cell, fill: str = "E7E6E6") -> None:
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shading.set(qn(f"w:{key}"), value)
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *TCPR_AFTER_SHADING)


def fill_cell(
    cell: _Cell,
    lines: Sequence[str] | str,
    *,
    size: float = TABLE_PT,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
) -> None:
    for index, line in enumerate([lines] if isinstance(lines, str) else lines):
        write(cell, line, size=size, bold=bold, align=align, reuse_first=index == 0)


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT


def cell_margins(table: Table, side_mm: float) -> None:
    """Narrow cell padding, so that counts fit in columns of a finger's width."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(side_mm * 56.7)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    add_table_property(table, margins)


def header_row(table: Table) -> list[_Cell]:
    table.add_row()
    repeat_header(table.rows[-1])
    return list(table.rows[-1].cells)


def header_cell(cell: _Cell, title: str, size: float) -> None:
    fill_cell(cell, title, size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    shade(cell)


def data_table(
    document: DocxDocument, columns: Sequence[Column], *, size: float = TABLE_PT, groups: Sequence[tuple[str, int]] = ()
) -> Table:
    """A ruled table whose header repeats on every page. ``groups`` adds a row of titles above
    the column titles, each spanning that many columns; a group with an empty title is one
    column whose own title spans both rows."""
    table = document.add_table(rows=0, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_margins(table, 1.2)
    if not groups:
        for cell, column in zip(header_row(table), columns, strict=True):
            header_cell(cell, column.title, size)
    else:
        top, bottom = header_row(table), header_row(table)
        start = 0
        for title, span in groups:
            if title:
                header_cell(top[start].merge(top[start + span - 1]), title, size)
                for index in range(start, start + span):
                    header_cell(bottom[index], columns[index].title, size)
            else:
                header_cell(top[start].merge(bottom[start]), columns[start].title, size)
            start += span
    set_widths(table, [column.width_mm for column in columns])
    return table


def keep_together(table: Table) -> None:
    """A short table is not split across pages (its last row alone on the next page looks
    like a mistake)."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def add_data_row(
    table: Table,
    columns: Sequence[Column],
    values: Sequence[Sequence[str] | str],
    *,
    size: float = TABLE_PT,
    bold: bool = False,
) -> None:
    row = table.add_row()
    cant_split(row)
    for cell, column, value in zip(row.cells, columns, values, strict=True):
        cell.width = Mm(column.width_mm)
        fill_cell(cell, value, size=size, bold=bold, align=column.align)


def add_group_row(table: Table, columns: Sequence[Column], title: str, *, size: float = TABLE_PT) -> None:
    """A pillar's title across the table, kept on the page of its first task."""
    row = table.add_row()
    cant_split(row)
    merged = row.cells[0].merge(row.cells[-1])
    fill_cell(merged, title, size=size, bold=True)
    for paragraph in merged.paragraphs:
        paragraph.paragraph_format.keep_with_next = True


def table_caption(document: DocxDocument, text: str) -> None:
    write(document, text, size=BODY_PT - 1, bold=True, before=6, after=4, keep_with_next=True)


def page_number_header(document: DocxDocument) -> None:
    """Decree 30: page numbers centred at the top, from the second page on."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    format_paragraph(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)
    add_run(paragraph, "2")  # shown until the field is updated; LibreOffice and Word update it
    field.append(paragraph.runs[-1]._r)


def document_defaults(document: DocxDocument) -> None:
    """Times New Roman, Vietnamese proofing and single spacing for anything not set
    explicitly (the python-docx template defaults to the theme font, en-US and 1.15 lines)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr.find(qn("w:lang"))
    for key in ("val", "eastAsia"):
        lang.set(qn(f"w:{key}"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def new_document() -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    document_defaults(document)
    for name, size in (("Normal", BODY_PT), ("Table Grid", TABLE_PT), ("Header", BODY_PT)):
        style = document.styles[name]
        style.font.name, style.font.size = FONT, Pt(size)
        set_fonts(style.element.get_or_add_rPr())
    page_number_header(document)
    return document


# --- Word: the heading block ----------------------------------------------------------------------

# Together a little wider than the text (see heading()); the motto's rule is about as long as
# the motto in 14 pt bold Times New Roman, as Decree 30 draws it.
HEADER_LEFT_MM, HEADER_RIGHT_MM, HEADER_PULL_MM = 60.0, 112.0, 4.0
MOTTO_RULE_MM = 64


def heading(document: DocxDocument, issuer: Issuer, reference: str, issued_on: dt.date) -> None:
    """Decree 30's heading, two borderless columns: issuing body and ``reference`` (the number
    line, "Số: 7/BC-UBND", or a form's "Mã hồ sơ: …") on the left, national title, motto and
    place-date on the right. The table is pulled a few millimetres into the margins, as the
    templates do, so the national title keeps to one line."""
    table = document.add_table(rows=2, cols=2)
    no_borders(table)
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(round(-HEADER_PULL_MM * 56.7)))
    indent.set(qn("w:type"), "dxa")
    add_table_property(table, indent)
    cell_margins(table, 1.2)
    set_widths(table, (HEADER_LEFT_MM, HEADER_RIGHT_MM))
    left, right = table.rows[0].cells
    first = True
    if issuer.parent_name:
        write(left, issuer.parent_name, size=13, caps=True, reuse_first=True)
        first = False
    for index, line in enumerate(issuing_body_lines(issuer.name)):
        write(left, line, size=13, bold=True, caps=True, reuse_first=first and index == 0)
    short_rule(left, HEADER_LEFT_MM - 2.4, 20)
    write(right, _("Cộng hòa xã hội chủ nghĩa Việt Nam"), size=13, bold=True, caps=True, reuse_first=True)
    write(right, _("Độc lập - Tự do - Hạnh phúc"), size=14, bold=True)
    short_rule(right, HEADER_RIGHT_MM - 2.4, MOTTO_RULE_MM)
    number_cell, date_cell = table.rows[1].cells
    write(number_cell, reference, size=13, reuse_first=True, before=6)
    write(date_cell, place_date_line(issuer.place, issued_on), size=14, italic=True, reuse_first=True, before=6)


def issuing_body_lines(name: str) -> list[str]:
    """ "Ủy ban nhân dân tỉnh Hưng Yên" on two lines, broken where the templates break it, not
    wherever the cell runs out ("… TỈNH HƯNG / YÊN")."""
    prefix = "Ủy ban nhân dân "
    if fold(name[: len(prefix)]) == fold(prefix) and len(name) > len(prefix):  # "Uỷ ban" spelt either way
        return [name[: len(prefix)].strip(), name[len(prefix) :]]
    return [name]


def keep_last_words(text: str) -> str:
    """A no-break space before the last word, so a wrapped title never leaves "2025" alone on
    its line."""
    head, _sep, last = text.rpartition(" ")
    return f"{head}\u00a0{last}" if head else text


# --- Excel -----------------------------------------------------------------------------------

# What makes a spreadsheet read a typed entry as a formula (or, for a leading tab or line break,
# what CSV round trips turn into one): "=", "+", "-" and "@" (Excel's implicit intersection),
# also after leading spaces, which Excel and LibreOffice skip when they parse what is typed.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def xlsx_set(cell: Cell | MergedCell, value: object) -> Cell | MergedCell:
    """Put ``value`` into ``cell``; text is stored as text, never as a formula.

    openpyxl stores a string that starts with "=" as a formula (``data_type`` "f"); here every
    string is a string cell (``data_type`` "s", read back exactly as written), and a string a
    spreadsheet would evaluate when typed also carries the "quote prefix" style, so that Excel
    and LibreOffice show it as text and keep it text when the cell is edited. Characters XML
    cannot hold (control characters other than tab and line breaks) are dropped instead of
    making openpyxl raise. Numbers, dates and ``None`` are written as they are.
    """
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = text
    cell.data_type = "s"
    if text[:1] in FORMULA_TRIGGERS or text.lstrip(" \u00a0\u3000")[:1] in FORMULA_TRIGGERS:
        cell.quotePrefix = True
    return cell


def xlsx_cell(sheet: Worksheet, row: int, column: int, value: object = None) -> Cell | MergedCell:
    """``sheet.cell(row, column, value)`` with :func:`xlsx_set`'s rules for text."""
    return xlsx_set(sheet.cell(row=row, column=column), value)


def xlsx_append(sheet: Worksheet, values: Iterable[object]) -> None:
    """``sheet.append(values)`` with :func:`xlsx_set`'s rules for text."""
    sheet.append([xlsx_set(Cell(sheet), value) for value in values])


# --- PDF -----------------------------------------------------------------------------------------


class DocumentConversionError(RuntimeError):
    """LibreOffice is missing, failed or took too long."""


def soffice_binary() -> str:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise DocumentConversionError(
            _("Không tìm thấy LibreOffice (soffice): cài gói libreoffice-writer-nogui để xuất văn bản PDF.")
        )
    return binary


def docx_to_pdf(docx: bytes, *, timeout: float = 120) -> bytes:
    """The PDF LibreOffice makes of ``docx``.

    Each conversion gets its own directory and its own LibreOffice profile
    (``-env:UserInstallation``): two conversions sharing the default profile would lock each
    other out, or the second would be handed to the first's process and silently do nothing.
    LibreOffice runs in its own process group so that a timeout kills its helpers too.
    """
    binary = soffice_binary()
    with tempfile.TemporaryDirectory(prefix="tinhso-pdf-") as tmp:
        work = Path(tmp)
        source = work / "van-ban.docx"
        source.write_bytes(docx)
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        returncode, output = run_in_own_group(command, timeout=timeout, cwd=work)
        pdf = work / "out" / "van-ban.pdf"
        if returncode != 0 or not pdf.is_file():
            raise DocumentConversionError(
                _("LibreOffice không chuyển được văn bản sang PDF (mã lỗi %(code)s): %(output)s")
                % {"code": returncode, "output": output.strip()[-500:]}
            )
        return pdf.read_bytes()


def run_in_own_group(command: Sequence[str], *, timeout: float, cwd: Path) -> tuple[int, str]:
    """Runs ``command``; on timeout kills its whole process group (only the one it started)."""
    env = {**os.environ, "HOME": str(cwd)}
    with subprocess.Popen(  # noqa: S603
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    ) as process:
        try:
            output, _unused = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise DocumentConversionError(
                _("LibreOffice chưa chuyển xong văn bản sang PDF sau %(seconds)s giây.") % {"seconds": timeout},
            ) from None
    return process.returncode, output.decode("utf-8", "replace")
