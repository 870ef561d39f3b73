"""``manage.py ledger_verify``: check the whole ledger; exit status 1 names the first bad entry."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tinhso.ledger.selectors import VERIFY_CHUNK_SIZE, ledger_verify


class Command(BaseCommand):
    help = "Kiểm tra toàn vẹn sổ cái: chuỗi mã băm, số thứ tự, nội dung và các điểm kiểm tra đã ký."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON (cho kịch bản).")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=VERIFY_CHUNK_SIZE,
            help="Số mục đọc mỗi lượt (mặc định 2000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError(_("--chunk-size phải là số nguyên dương."))
        result = ledger_verify(chunk_size=options["chunk_size"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(
                _("Đã kiểm tra %(checked)s/%(size)s mục, %(checkpoints)s điểm kiểm tra đã ký.")
                % {"checked": result.checked, "size": result.head_size, "checkpoints": result.checkpoints_checked}
            )
            self.stdout.write(_("Gốc Merkle của phần đã kiểm tra: %(root)s") % {"root": result.root_hash})
        if not result.ok:
            late = (result.oldest_unsealed_age_seconds or 0) > settings.LEDGER_MAX_MERGE_DELAY_SECONDS
            if result.first_bad_sequence is None and result.unsealed and late:
                # Nothing was altered: events wait longer than the maximum merge delay to be sealed.
                message = _(
                    "SỔ CÁI CHƯA ĐƯỢC NIÊM PHONG KỊP: %(reason)s Hãy chạy manage.py worker (hoặc manage.py ledger_seal)."
                ) % {"reason": result.reason}
            elif result.first_bad_sequence is not None:
                message = _("SỔ CÁI BỊ SAI LỆCH từ mục số %(sequence)s: %(reason)s") % {
                    "sequence": result.first_bad_sequence,
                    "reason": result.reason,
                }
            else:
                message = _("SỔ CÁI BỊ SAI LỆCH: %(reason)s") % {"reason": result.reason}
            raise CommandError(message, returncode=1)
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS(result.reason))
