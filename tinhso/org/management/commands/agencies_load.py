"""``manage.py agencies_load [--province CODE]``: load the agencies of every province (or of
one) with their successions, from the data shipped in ``tinhso/org/data/agencies/``.

Safe to run again (deploys run it after ``units_load``): agencies that exist are kept as they
are, so a province's corrections survive; a run that finds everything in place writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.core.errors import DomainError
from tinhso.org.agencies import agencies_load
from tinhso.org.models import AdministrativeUnit
from tinhso.org.units import units_load


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: the help follows the active language
        "Nạp danh mục cơ quan của các tỉnh, thành phố (UBND, sở, ngành, UBND xã và các phòng, trung tâm "
        "phục vụ hành chính công; cơ quan trước 01/07/2025) cùng quan hệ kế thừa."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            help=_("Mã tỉnh, thành phố hiện hành (mã Tổng cục Thống kê, ví dụ 33)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not AdministrativeUnit.objects.exists():
            units_load(actor=None)
        try:
            report = agencies_load(actor=None, province=options.get("province"))
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            _(
                "Tỉnh, thành phố: %(provinces)d. Cơ quan: thêm mới %(created)d, đã có %(existing)d. "
                "Quan hệ kế thừa: thêm mới %(s_created)d, đã có %(s_existing)d."
            )
            % {
                "provinces": report.provinces,
                "created": report.agencies_created,
                "existing": report.agencies_existing,
                "s_created": report.successions_created,
                "s_existing": report.successions_existing,
            }
        )
        if report.ledger_recorded:
            done = _("Đã ghi sổ cái. Thời gian: %(seconds).1f giây.")
        else:
            done = _("Dữ liệu đã đầy đủ, không có thay đổi. Thời gian: %(seconds).1f giây.")
        self.stdout.write(self.style.SUCCESS(done % {"seconds": report.seconds}))
