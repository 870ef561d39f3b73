"""Where a row came from, and the warnings and rejections gathered while reading."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .shapes import Origin
from .types import Rejection


@dataclass(frozen=True)
class Place:
    """One row of one table (or one line of text), labelled the way the user will look for it."""

    origin: Origin
    ref: int
    table: int | None = None
    sheet: str | None = None

    def label(self) -> str:
        if self.origin == "docx":
            if self.table is None:
                return _("Đoạn %(row)s") % {"row": self.ref}
            return _("Bảng %(table)s, hàng %(row)s") % {"table": self.table, "row": self.ref}
        if self.origin == "xlsx":
            return _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": self.sheet or "", "row": self.ref}
        return _("Dòng %(row)s") % {"row": self.ref}


@dataclass
class Findings:
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def reject(self, place: Place | None, reason: str, raw: str, *, source: str = "") -> None:
        prefix = f"{place.label()}: " if place else ""
        self.rejections.append(
            Rejection(
                source=source or (place.label() if place else ""),
                row=place.ref if place else None,
                reason=prefix + reason,
                raw=raw,
            )
        )

    def warn(self, place: Place | None, message: str) -> None:
        text = f"{place.label()}: {message}" if place else message
        if text not in self.warnings:
            self.warnings.append(text)
