from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tinhso.org.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_load


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: đơn vị hành chính, cơ quan của Hưng Yên và Thanh Hóa, tài khoản mẫu."

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo_load()
        self.stdout.write(
            f"Đơn vị hành chính: {report.units}. Cơ quan mới: {report.agencies_created}, "
            f"quan hệ kế thừa mới: {report.successions_created}. Tài khoản mới: {report.people_created}, "
            f"vai trò mới: {report.roles_granted}."
        )
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, full_name, _title, role, agency in DEMO_PEOPLE:
            self.stdout.write(f"  {username:<18} {role:<13} {agency or '—':<12} {full_name}")
