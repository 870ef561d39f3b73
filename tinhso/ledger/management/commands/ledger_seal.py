"""``manage.py ledger_seal``: seal now what the sealer has not sealed yet.

The worker seals every second or so (``manage.py worker``); this is for an install whose worker
is stopped (a maintenance window, a pilot run by hand) before ``ledger_verify`` or a backup.
Safe while workers run: one sealer wins each round, the others return at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tinhso.ledger.services import ledger_seal


class Command(BaseCommand):
    help = "Niêm phong ngay các mục sổ cái chưa được niêm phong (khi tiến trình nền không chạy)."

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = ledger_seal()
        self.stdout.write(_("Đã niêm phong %(count)s mục sổ cái.") % {"count": sealed})
