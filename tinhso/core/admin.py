"""Admin page for the days the province configures on top of the national holidays.

A row moves the due date of every dossier it touches, so every change is recorded in the
ledger (LedgeredAdminMixin) and validated against the national calendar (CalendarDay.clean).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tinhso.ledger.admin import LedgeredAdminMixin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "reason", "province_code", "updated_at"]
    list_filter = ["kind", "province_code"]
    date_hierarchy = "date"
    search_fields = ["reason"]
    ordering = ["-date"]
    fieldsets = [
        (None, {
            "fields": ["date", "kind", "reason", "province_code"],
            "description": _(
                "Ngày lễ, Tết theo quy định của Nhà nước (kể cả Tết Nguyên đán, ngày nghỉ bù và ngày "
                "làm bù đã được công bố) được hệ thống tự tính. Chỉ khai báo ở đây ngày nghỉ riêng của "
                "tỉnh (ví dụ nghỉ do thiên tai) và ngày làm việc bù. Thay đổi có hiệu lực ngay với thời "
                "hạn giải quyết của mọi hồ sơ được tính sau đó."
            ),
        }),
    ]


# --- background tasks (django-tasks-db): the library's admin with Vietnamese column names ------

def _tasks_admin() -> None:
    from django_tasks_db.admin import DBTaskResultAdmin
    from django_tasks_db.models import DBTaskResult

    class TaskResultAdmin(DBTaskResultAdmin):
        list_display = ("number", "task", "status", "enqueued_at", "started_at", "finished_at", "priority",
                        "queue_name")

        @admin.display(description=_("số"), ordering="id")
        def number(self, obj: DBTaskResult) -> object:
            return obj.pk

        @admin.display(description=_("tác vụ"), ordering="task_path")
        def task(self, obj: DBTaskResult) -> str:
            return obj.task_name

        @admin.display(description=_("vết lỗi"))
        def formatted_traceback(self, obj: DBTaskResult) -> str:
            return super().formatted_traceback(obj)

        @admin.display(description=_("chạy sau"))
        def display_run_after(self, obj: DBTaskResult) -> dt.datetime | str:
            return super().display_run_after(obj)

    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)
    admin.site.register(DBTaskResult, TaskResultAdmin)


def _axes_admin() -> None:
    """django-axes' list of attempts has two columns without a name of their own."""
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt

    class AttemptAdmin(AccessAttemptAdmin):
        @admin.display(description=_("Hết hạn lúc"))
        def expiration(self, obj: AccessAttempt) -> object:
            return super().expiration(obj)

        @admin.display(description=_("Trạng thái"))
        def status(self, obj: AccessAttempt) -> object:
            return super().status(obj)

    if admin.site.is_registered(AccessAttempt):
        admin.site.unregister(AccessAttempt)
        admin.site.register(AccessAttempt, AttemptAdmin)


_tasks_admin()
_axes_admin()
