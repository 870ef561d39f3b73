import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "tinhso.programme"
    label = "programme"
    verbose_name = _("Đề án chuyển đổi số")

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module is imported before the models exist.
        from tinhso.core.scheduler import JobSpec, job_register
        from tinhso.core.storage_sweep import Area, area_register
        from tinhso.org.officers.work import open_work_register
        from tinhso.programme.handover import RETURNED_REPORTS
        from tinhso.programme.notices import kinds_register

        kinds_register()  # the programme's kinds of in-app notification

        job_register(JobSpec("programme_reminders", "tinhso.programme.tasks.reminders_send", 6 * 3600))
        area_register(
            Area("programme_evidence", "programme/evidence", "programme.Evidence.file", dt.timedelta(hours=6))
        )
        # An import preview lives until "Nhập" is pressed; a day is far longer than anyone takes.
        area_register(Area("import_previews", "programme/imports", "", dt.timedelta(hours=24)))
        # A person leaving hands the reports returned to them to a successor (tinhso.org.officers).
        open_work_register(RETURNED_REPORTS)
