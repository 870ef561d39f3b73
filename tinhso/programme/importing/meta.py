"""The issuing decision, read from the first lines of the document (best effort)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from tinhso.core.text import clean, fold

from .report import Findings
from .shapes import Paragraph
from .types import DocumentMeta

_NUMBER = re.compile(r"^s[ốo]\s*(?:hiệu)?\s*:\s*(.*)$", re.IGNORECASE)
_ATTACHED = re.compile(r"kèm theo (?:Quyết định|QĐ)(?: số)?\s+(\d+\s*/\s*[\wĐđ\-/]+)", re.IGNORECASE)
_DATE = re.compile(
    r"^(?P<place>[^,]{2,40}),\s*ngày\s*(?P<day>\d{1,2})?\s*tháng\s*(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})",
    re.IGNORECASE,
)
_KINDS = ("quyet dinh", "ke hoach", "de an", "chuong trinh", "nghi quyet")
_ISSUERS = ("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "ban chap hanh", "tinh uy", "ban chi dao")
_TITLE_PREFIX = re.compile(r"^(?:về việc\s+)?(?:phê duyệt|ban hành|v/v)\s+", re.IGNORECASE)
_HEAD_LINES = 60


def read_meta(paragraphs: list[Paragraph], findings: Findings) -> DocumentMeta:
    head = paragraphs[:_HEAD_LINES]
    number = _number(head)
    place, date, year = _place_and_date(head)
    issuer = _issuer(head)
    title = _title(head)
    programme_title = _programme_title(title)
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d{2})(?!\d)", programme_title or title or "")]
    _check_attached_number(paragraphs, number, findings)
    if number is None and any(_NUMBER.match(p.text) for p in head):
        findings.warn(None, _("văn bản chưa ghi số quyết định (bản dự thảo?)"))
    if date is None and year is not None:
        findings.warn(None, _("văn bản chưa ghi ngày ký, chỉ có năm %(year)s") % {"year": year})
    return DocumentMeta(
        number=number,
        date=date,
        year=year,
        place=place,
        issuer=clean(issuer) if issuer else None,
        title=title,
        programme_title=programme_title,
        period_start=None,
        period_end=max(years) if years else None,
        commune=_commune(head),
    )


_PLACE_LINE = ("tinh ", "thanh pho ", "xa ", "phuong ", "dac khu ", "huyen ", "thi xa ", "quan ")


def _issuers(head: list[Paragraph]) -> list[str]:
    """The issuing bodies in capitals, the place on the same line ("ỦY BAN NHÂN DÂN TỈNH HÀ
    TĨNH") or, as most headings are laid out, on the next ("ỦY BAN NHÂN DÂN" / "TỈNH HÀ TĨNH");
    a commune's heading may name its province first ("… TỈNH NGHỆ AN" / "… XÃ ANH SƠN")."""
    found: list[str] = []
    index = 0
    while index < len(head):
        paragraph = head[index]
        index += 1
        if not (fold(paragraph.text).startswith(_ISSUERS) and paragraph.text.isupper()):
            if found:
                break
            continue
        following = head[index].text if index < len(head) else ""
        if fold(paragraph.text).strip() in _ISSUERS and following.isupper() and fold(following).startswith(_PLACE_LINE):
            found.append(f"{paragraph.text} {following}")
            index += 1
        else:
            found.append(paragraph.text)
    return found


def _issuer(head: list[Paragraph]) -> str | None:
    issuers = _issuers(head)
    return issuers[0] if issuers else None


_COMMUNE = re.compile(r"\b(xa|phuong|dac khu)\s+(.+)$")


def _commune(head: list[Paragraph]) -> str | None:
    """The commune (xã, phường, đặc khu) issuing a commune plan, as written: "XÃ ANH SƠN"."""
    for issuer in _issuers(head)[:2]:
        text = clean(issuer)
        match = _COMMUNE.search(fold(text))
        if match:
            start = len(text) - len(match.group(0))
            return clean(text[start:])
    return None


def _number(head: list[Paragraph]) -> str | None:
    for paragraph in head:
        match = _NUMBER.match(paragraph.text.strip())
        if match:
            value = clean(match.group(1)).split(" ")[0]
            return value if re.match(r"^\d+\s*/", value) else None
    return None


def _place_and_date(head: list[Paragraph]) -> tuple[str | None, dt.date | None, int | None]:
    for paragraph in head:
        match = _DATE.match(paragraph.text.strip())
        if not match:
            continue
        year = int(match.group("year"))
        date = None
        if match.group("day") and match.group("month"):
            try:
                date = dt.date(year, int(match.group("month")), int(match.group("day")))
            except ValueError:
                date = None
        return clean(match.group("place")), date, year
    return None, None, None


def _title(head: list[Paragraph]) -> str | None:
    """The lines after the first "QUYẾT ĐỊNH" / "KẾ HOẠCH" / "ĐỀ ÁN" heading, up to the issuer."""
    for index, paragraph in enumerate(head):
        if fold(paragraph.text).strip(" :") in _KINDS and paragraph.text.isupper():
            following = head[index + 1 : index + 4]
            lines: list[str] = []
            for line in following:
                folded = fold(line.text)
                if folded.startswith(_ISSUERS) or folded.startswith("can cu") or fold(line.text).strip(" :") in _KINDS:
                    break
                lines.append(line.text)
            title = clean(" ".join(lines).strip("*() "))
            return title or None
    return None


def _programme_title(title: str | None) -> str | None:
    if not title:
        return None
    stripped = _TITLE_PREFIX.sub("", title)
    return stripped[:1].upper() + stripped[1:] if stripped else None


def _check_attached_number(paragraphs: list[Paragraph], number: str | None, findings: Findings) -> None:
    """Thái Bình's scheme is signed as 54/QĐ-UBND but its cover says "kèm theo Quyết định số
    57/QĐ-UBND": tell the user rather than pick one silently."""
    for paragraph in paragraphs[: _HEAD_LINES * 2]:
        match = _ATTACHED.search(paragraph.text)
        if match:
            attached = re.sub(r"\s+", "", match.group(1))
            if number and attached != re.sub(r"\s+", "", number) and not attached.startswith("/"):
                findings.warn(
                    None,
                    _("số quyết định ở đầu văn bản (%(number)s) khác số ghi ở phần đề án kèm theo (%(attached)s)")
                    % {"number": number, "attached": attached},
                )
            return
