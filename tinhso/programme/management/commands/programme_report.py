"""``manage.py programme_report ROUND_ID --out DIR [--pdf]``: the province report of a round
as files, for the DX office to number, sign and send (or for a scheduled export)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.programme import documents
from tinhso.programme.models import ReportingRound


def file_stem(period: str) -> str:
    """The period as it may appear in a file name ("2025-H1" stays as it is)."""
    return re.sub(r"[^\w.-]+", "-", period).strip("-") or "ky"


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: the help follows the active language"Xuất báo cáo của tỉnh cho một kỳ báo cáo: văn bản .docx (Nghị định 30/2020), "
        "số liệu .xlsx và PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round_id", type=int, help=_("Mã số kỳ báo cáo"))
        parser.add_argument("--out", required=True, help=_("Thư mục ghi tệp (tạo nếu chưa có)"))
        parser.add_argument("--pdf", action="store_true", help=_("Xuất thêm bản PDF (cần LibreOffice)"))
        parser.add_argument("--number", default="", help=_("Số văn bản, ví dụ 125 (để trống nếu chưa cấp số)"))
        parser.add_argument("--signer-name", default="", help=_("Họ tên người ký"))
        parser.add_argument("--signer-title", default="", help=_("Chức vụ người ký, ví dụ KT. CHỦ TỊCH"))
        parser.add_argument("--recipient", action="append", default=[], help=_("Nơi nhận (lặp lại cho mỗi nơi)"))

    def handle(
        self,
        *args: Any,
        round_id: int,
        out: str,
        pdf: bool,
        number: str,
        signer_name: str,
        signer_title: str,
        recipient: list[str],
        **options: Any,
    ) -> None:
        round_ = (
            ReportingRound.objects.select_related("programme__owner__unit", "programme__owner__parent")
            .filter(pk=round_id)
            .first()
        )
        if round_ is None:
            raise CommandError(_("Không tìm thấy kỳ báo cáo số %(id)s.") % {"id": round_id})
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        stem = file_stem(round_.period)
        docx = documents.round_report_docx(
            round_, number=number, signer_name=signer_name, signer_title=signer_title, recipients=recipient
        )
        written = [
            self._write(directory / f"bao-cao-{stem}.docx", docx),
            self._write(directory / f"so-lieu-{stem}.xlsx", documents.round_report_xlsx(round_)),
        ]
        if pdf:
            try:
                written.append(self._write(directory / f"bao-cao-{stem}.pdf", documents.docx_to_pdf(docx)))
            except documents.DocumentConversionError as exc:
                raise CommandError(str(exc)) from exc
        for path in written:
            self.stdout.write(str(path))

    def _write(self, path: Path, data: bytes) -> Path:
        path.write_bytes(data)
        return path
