"""Admin page for the days the province configures on top of the national holidays (a core
model, administered here because its changes go to the ledger, above core).

A row moves the due date of every dossier it touches, so every change is recorded in the
ledger (LedgeredAdminMixin) and validated against the national calendar (CalendarDay.clean).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import CalendarDay
from tinhso.ledger.admin import LedgeredAdminMixin


@admin.register(CalendarDay)
class CalendarDayAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "reason", "province_code", "updated_at"]
    list_filter = ["kind", "province_code"]
    date_hierarchy = "date"
    search_fields = ["reason"]
    ordering = ["-date"]
    fieldsets = [
        (
            None,
            {
                "fields": ["date", "kind", "reason", "province_code"],
                "description": _(
                    "Ngày lễ, Tết theo quy định của Nhà nước (kể cả Tết Nguyên đán, ngày nghỉ bù và ngày "
                    "làm bù đã được công bố) được hệ thống tự tính. Chỉ khai báo ở đây ngày nghỉ riêng của "
                    "tỉnh (ví dụ nghỉ do thiên tai) và ngày làm việc bù. Thay đổi có hiệu lực ngay với thời "
                    "hạn giải quyết của mọi hồ sơ được tính sau đó."
                ),
            },
        ),
    ]
