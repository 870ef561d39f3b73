"""``manage.py units_lookup "Thái Bình"``: what a place name or code was, and what it is now.

For each matching unit: its level, code and validity, what carries it on today (with the date
of the change), and for a current unit the units it was made of before 1/7/2025. Accepts
names with or without diacritics and codes; ``--on`` restricts to units valid on a day,
``--json`` prints machine-readable output. Exits with status 1 when nothing matches.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.org.models import REORGANISATION_DATE, AdministrativeUnit, UnitLevel
from tinhso.org.units import (
    LEVEL_SHORT_LABELS,
    Successor,
    unit_components_on,
    unit_label,
    unit_search,
    unit_successor_details,
)

BEFORE_REORGANISATION = REORGANISATION_DATE - dt.timedelta(days=1)


def _day(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise CommandError(_("Ngày không hợp lệ: %(value)s (dùng YYYY-MM-DD hoặc DD/MM/YYYY).") % {"value": value})


def _validity(unit: AdministrativeUnit) -> str:
    if unit.valid_to is not None:
        return _("đến %(day)s") % {"day": f"{unit.valid_to:%d/%m/%Y}"}
    if unit.valid_from is not None:
        return _("từ %(day)s") % {"day": f"{unit.valid_from:%d/%m/%Y}"}
    return _("hiện hành")


def _unit_json(unit: AdministrativeUnit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "level": unit.level,
        "name": unit.name,
        "division_type": unit.division_type,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "parent_code": unit.parent.code if unit.parent else None,
        "label": unit_label(unit),
    }


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: the help follows the active language
        "Tra cứu đơn vị hành chính theo tên (có hoặc không dấu) hoặc mã, kèm đơn vị kế thừa hiện nay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="+", help=_("Tên hoặc mã đơn vị hành chính."))
        parser.add_argument(
            "--on",
            default=None,
            help=_("Chỉ lấy đơn vị có hiệu lực vào ngày này (YYYY-MM-DD)."),
        )
        parser.add_argument(
            "--level",
            choices=[choice.value for choice in UnitLevel],
            default=None,
            help=_("Chỉ lấy một cấp: province, district, commune."),
        )
        parser.add_argument("--limit", type=int, default=20, help=_("Số kết quả tối đa."))
        parser.add_argument("--json", action="store_true", help=_("In kết quả dạng JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        query = " ".join(options["query"])
        on = _day(options["on"]) if options["on"] else None
        units = unit_search(query, level=options["level"], on=on, limit=options["limit"])
        if not units:
            raise CommandError(_("Không tìm thấy đơn vị hành chính nào khớp với “%(query)s”.") % {"query": query})
        today = timezone.localdate()
        results = []
        for unit in units:
            successors = [item for item in unit_successor_details(unit, today) if item.unit.pk != unit.pk]
            components = (
                unit_components_on(unit, BEFORE_REORGANISATION)
                if unit.valid_to is None and unit.valid_from == REORGANISATION_DATE
                else []
            )
            results.append((unit, successors, components))

        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            **_unit_json(unit),
                            "successors": [
                                {
                                    **_unit_json(item.unit),
                                    "effective_date": item.effective_date.isoformat() if item.effective_date else None,
                                    "kind": item.kind,
                                    "partial": item.partial,
                                    "via_parent": item.via_parent,
                                }
                                for item in successors
                            ],
                            "components_before_reorganisation": [_unit_json(part) for part in components],
                        }
                        for unit, successors, components in results
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for unit, successors, components in results:
            self.stdout.write(self._line(unit, successors))
            if components:
                self.stdout.write(
                    "    "
                    + _("Trước %(day)s gồm: %(units)s")
                    % {
                        "day": f"{REORGANISATION_DATE:%d/%m/%Y}",
                        "units": "; ".join(f"{part.name} ({part.code})" for part in components),
                    }
                )

    def _line(self, unit: AdministrativeUnit, successors: list[Successor]) -> str:
        where = f", {unit_label(unit.parent)}" if unit.parent else ""
        head = f"[{LEVEL_SHORT_LABELS[UnitLevel(unit.level)]}] {unit.name}{where} ({unit.code}, {_validity(unit)})"
        if not successors:
            return head
        steps = []
        for item in successors:
            target = f"{item.unit.name} ({item.unit.code})"
            if item.unit.parent is not None and item.unit.level != UnitLevel.PROVINCE:
                target = f"{item.unit.name}, {unit_label(item.unit.parent)} ({item.unit.code})"
            if item.effective_date:
                target += " " + _("từ %(day)s") % {"day": f"{item.effective_date:%d/%m/%Y}"}
            if item.via_parent:
                target += " " + _("(theo đơn vị cấp trên, chưa có dữ liệu kế thừa cấp xã)")
            elif item.partial:
                target += " " + _("(một phần)")
            steps.append(target)
        return f"{head} → {'; '.join(steps)}"
