"""``manage.py demo_load``: every module's demo data, in dependency order.

The loaders are named in ``settings.DEMO_LOADERS`` so that this command (in core) depends on
no domain app. Each loader is idempotent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: đơn vị hành chính, cơ quan, tài khoản mẫu, đề án chuyển đổi số mẫu."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in settings.DEMO_LOADERS:
            loader = import_string(path)
            report = loader()
            describe = getattr(report, "describe", None)
            self.stdout.write(describe() if describe else f"{path}: {report}")
