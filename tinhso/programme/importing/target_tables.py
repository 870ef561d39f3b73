"""Target tables: a "Chỉ tiêu" column and one column per year (or per year and level)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from tinhso.core.text import clean, fold

from .agencies import split_agencies
from .amounts import LARGEST, parse_number
from .headers import ROMAN, Column, Header, Role, Row, column_numbers, group_title, mend_rows
from .report import Findings
from .statements import Quantity, comparator_of, infer_pillar, pair_levels, quantities
from .types import PILLAR_CODES, Level, Milestone, ParsedTarget, Pillar, milestone_order


def read_target_rows(rows: Sequence[Row], header: Header, findings: Findings) -> list[ParsedTarget]:
    """A table with a "Chỉ tiêu" column and one column per year (maybe per year and level)."""
    code_col = header.first("code", "number")
    text_col = header.first("target")
    unit_col = header.first("unit")
    years = header.all("year")
    targets: list[ParsedTarget] = []
    group_pillar: Pillar | None = None
    counters: dict[Pillar | None, int] = {}
    for row in mend_rows(rows, len(header.titles)):
        if header.same_as(row) or column_numbers(row):
            continue
        texts = [cell.text for cell in row.cells if cell.text and not cell.span_repeat]
        if not texts:
            continue
        code_text = clean(row.text(code_col.index if code_col else None))
        group = group_title(row, code_text, texts)
        text = clean(row.text(text_col.index if text_col else None))
        if group is not None or not text:
            group_pillar = infer_pillar(group or texts[0]) or group_pillar
            continue
        pillar = infer_pillar(_text(row, header, "pillar")) or group_pillar
        default_unit = clean(row.text(unit_col.index if unit_col else None))
        milestones = _cell_milestones(row, years, default_unit, findings)
        if milestones is None:
            continue
        counters[pillar] = counters.get(pillar, 0) + 1
        code = (
            code_text.rstrip(".")
            if code_text and not ROMAN.match(code_text)
            else f"MT-{PILLAR_CODES[pillar]}-{counters[pillar]:02d}"
        )
        targets.append(
            ParsedTarget(
                pillar=pillar,
                code=code,
                text=text,
                milestones=milestones,
                tracking_agency=clean(_text(row, header, "tracking", "lead")) or None,
                partner_agencies=split_agencies(_text(row, header, "partners")),
                indicator_hint=_table_hint(text),
                source=row.place.label(),
            )
        )
    return targets


def _text(row: Row, header: Header, *roles: Role) -> str:
    column = header.first(*roles)
    return row.text(column.index if column else None)


def _cell_milestones(
    row: Row, years: list[Column], default_unit: str, findings: Findings
) -> tuple[Milestone, ...] | None:
    found: dict[tuple[int, Level | None], Milestone] = {}
    for column in years:
        text = clean(row.text(column.index))
        if not text or fold(text) in ("-", "x", "—") or column.year is None:
            continue
        values = cell_values(text, default_unit)
        if not values:
            findings.reject(
                row.place,
                _("giá trị “%(value)s” của năm %(year)s không phải là số") % {"value": text, "year": column.year},
                row.raw(),
            )
            return None
        if any(value.value < 0 for value in values):
            findings.reject(row.place, _("chỉ tiêu có giá trị âm “%(value)s”") % {"value": text}, row.raw())
            return None
        if any(value.value >= LARGEST for value in values):
            findings.reject(row.place, _("giá trị “%(value)s” quá lớn") % {"value": text}, row.raw())
            return None
        split = pair_levels(text, values)
        for index, value in enumerate(values if split else values[:1]):
            level = split.levels[index] if split else column.level
            found[(column.year, level)] = Milestone(column.year, value.comparator, value.value, value.unit, level, text)
    return tuple(sorted(found.values(), key=milestone_order))


_BARE_VALUE = re.compile(r"^(?P<prefix>[^\d\-−–]*?)\s*(?P<number>[-−–]?\d[\d.,]*)\s*(?P<rest>.*)$")


def cell_values(text: str, default_unit: str) -> list[Quantity]:
    """A year cell of a target table: "≥ 80", "trên 50%", "90% cấp tỉnh, 60% cấp xã", "100"."""
    found = quantities(text)
    if found:
        return found
    match = _BARE_VALUE.match(text)
    if not match:
        return []
    value = parse_number(match.group("number"))
    if value is None:
        return []
    comparator, _start = comparator_of(fold(match.group("prefix")) + " ", fold(match.group("rest")))
    rest = clean(re.sub(r"\btrở (lên|xuống)\b", "", match.group("rest"), flags=re.IGNORECASE))
    return [Quantity(0, match.start("number"), len(text), value, comparator, rest or default_unit)]


def _table_hint(text: str) -> str | None:
    return clean(re.sub(r"\([^)]*\)", " ", text)).rstrip(".") or None
