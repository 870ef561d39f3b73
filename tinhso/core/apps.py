from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.core.signals import request_started
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    default = True  # this module also holds the libraries' configs below
    name = "tinhso.core"
    label = "core"
    verbose_name = _("Nền tảng")

    def ready(self) -> None:
        from .third_party_vi import catalogue_install

        # The catalogue can only be built once every app is ready: at the first request.
        request_started.connect(catalogue_install, dispatch_uid="tinhso.third_party_vi")


# Libraries' apps under a Vietnamese name in the admin (their own is English or missing).
class AxesConfig(AxesAppConfig):
    verbose_name = _("Đăng nhập và khóa tài khoản")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Tác vụ nền")  # type: ignore[assignment]  # django-tasks types it str; AppConfig takes lazy
