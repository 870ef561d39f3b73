"""``manage.py units_load``: load or refresh the administrative units and their successions.

Safe to run again at any time (deploys run it after ``migrate``): a run that finds the data
already in place writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.org.units import UnitsDataError, units_load


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: the help follows the active language
        "Nạp danh mục đơn vị hành chính trước và sau ngày 01/07/2025 cùng quan hệ kế thừa."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = units_load(actor=None)
        except UnitsDataError as error:
            raise CommandError(_("Dữ liệu đơn vị hành chính không khớp: %(error)s") % {"error": error}) from error
        levels = report.per_level
        self.stdout.write(
            _(
                "Hiện hành: %(provinces)d tỉnh, thành phố; %(communes)d xã, phường, đặc khu.\n"
                "Trước 01/07/2025: %(old_provinces)d tỉnh, thành phố; %(districts)d huyện, quận, "
                "thị xã, thành phố thuộc tỉnh; %(old_communes)d xã, phường, thị trấn."
            )
            % {
                "provinces": levels.get("province_current", 0),
                "communes": levels.get("commune_current", 0),
                "old_provinces": levels.get("province_pre2025", 0),
                "districts": levels.get("district_pre2025", 0),
                "old_communes": levels.get("commune_pre2025", 0),
            }
        )
        self.stdout.write(
            _(
                "Đơn vị hành chính: thêm mới %(created)d, cập nhật %(updated)d, giữ nguyên %(unchanged)d.\n"
                "Quan hệ kế thừa: thêm mới %(s_created)d, cập nhật %(s_updated)d, giữ nguyên %(s_unchanged)d."
            )
            % {
                "created": report.units_created,
                "updated": report.units_updated,
                "unchanged": report.units_unchanged,
                "s_created": report.successions_created,
                "s_updated": report.successions_updated,
                "s_unchanged": report.successions_unchanged,
            }
        )
        if report.ledger_recorded:
            done = _("Đã ghi sổ cái. Thời gian: %(seconds).1f giây.")
        else:
            done = _("Dữ liệu đã đầy đủ, không có thay đổi. Thời gian: %(seconds).1f giây.")
        self.stdout.write(self.style.SUCCESS(done % {"seconds": report.seconds}))
