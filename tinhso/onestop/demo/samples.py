"""Small real files for the demo data and the tests: a one-page PDF and a card-shaped PNG."""

from __future__ import annotations

import io
import struct
import zlib


def _pdf_text(text: str) -> str:
    from tinhso.onestop.results.signing import ascii_fold  # the built-in PDF font has no Vietnamese glyphs

    return ascii_fold(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def sample_pdf(*lines: str) -> bytes:
    """A one-page A4 PDF with ``lines`` (by default "Giay to") in Helvetica, written by pyHanko's writer."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    writer = PdfFileWriter()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    text = " ".join(f"({_pdf_text(line)}) Tj 0 -22 Td" for line in lines or ("Giay to",))
    stream = generic.StreamObject(stream_data=f"BT /F1 14 Tf 72 760 Td {text} ET".encode("ascii"))
    page = PageObject(
        contents=writer.add_object(stream),
        media_box=generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)]),
        resources=generic.DictionaryObject(
            {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
        ),
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sample_png(width: int = 86, height: int = 54) -> bytes:
    """A small grey card-shaped PNG (the stand-in for a scanned ID card), chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(
        b"\x00" + bytes(0x60 if y in (0, height - 1) or x in (0, width - 1) else 0xD0 for x in range(width))
        for y in range(height)
    )
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
