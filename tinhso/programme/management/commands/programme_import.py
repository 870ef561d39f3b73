from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.programme.importing.pipeline import programme_import
from tinhso.programme.models import Programme


class Command(BaseCommand):
    help = "Nhập (hoặc xem trước) đề án chuyển đổi số từ tệp .docx, .xlsx hoặc văn bản dán (.txt)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .docx, .xlsx hoặc .txt")
        parser.add_argument("--programme", type=int, help="Nhập vào đề án đã có (mã số)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ xem trước, không lưu")
        parser.add_argument(
            "--json",
            action="store_true",
            help="In kết quả dạng một đối tượng JSON (số lượng, tỉnh, xem trước từng dòng)",
        )

    def handle(self, *args: Any, file: str, programme: int | None, dry_run: bool, json: bool, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp “{file}”.")
        target = None
        if programme is not None:
            target = Programme.objects.filter(pk=programme).first()
            if target is None:
                raise CommandError(f"Không tìm thấy đề án số {programme}.")
        try:
            outcome = programme_import(
                actor=None, filename=path.name, data=path.read_bytes(), programme=target, dry_run=dry_run
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if json:
            self.stdout.write(_dumps(outcome.as_json()))
        else:
            state = "xem trước" if dry_run else ("đã lưu" if outcome.saved else "KHÔNG lưu")
            self.stdout.write(
                f"Đề án {outcome.programme_id or '—'} ({state}): {outcome.targets} chỉ tiêu, {outcome.tasks} nhiệm vụ, "
                f"{outcome.indicators} chỉ số mới, {len(outcome.rejected)} dòng bị từ chối, "
                f"{len(outcome.unmatched_agencies)} tên cơ quan chưa khớp."
            )
            for rejected in outcome.rejected:
                self.stdout.write(f"  ✗ {rejected['source']} {rejected['row'] or ''}: {rejected['reason']}")
            for table in outcome.preview["unclassified"]:
                self.stdout.write(f"  ? {table['source']}: {table['message']}")
            for unmatched in outcome.unmatched_agencies:
                self.stdout.write(f"  ? {unmatched.text} — {unmatched.reason} ({len(unmatched.rows)} dòng)")
        if outcome.rejected and not dry_run:
            raise CommandError("Tệp có dòng bị từ chối: không lưu gì.")


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
