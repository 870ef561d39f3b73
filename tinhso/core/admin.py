"""The libraries' admin pages with Vietnamese column names. The province's calendar days are
administered from :mod:`tinhso.site.admin`: each change goes to the ledger, which core cannot import."""

from __future__ import annotations

import datetime as dt

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

# --- background tasks (django-tasks-db): the library's admin with Vietnamese column names ------


def _tasks_admin() -> None:
    class TaskResultAdmin(DBTaskResultAdmin):
        list_display = (
            "number",
            "task",
            "status",
            "enqueued_at",
            "started_at",
            "finished_at",
            "priority",
            "queue_name",
        )

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
