import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "tinhso.onestop"
    label = "services"
    verbose_name = _("Một cửa và dịch vụ công")

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module is imported before the models exist.
        from tinhso.core.scheduler import JobSpec, LoopSpec, job_register, loop_register
        from tinhso.core.storage_sweep import Area, area_register
        from tinhso.onestop.dossiers.handover import OPEN_DOSSIERS
        from tinhso.onestop.notices.people import kinds_register
        from tinhso.org.officers.work import open_work_register

        kinds_register()  # the one-stop shop's kinds of in-app notification

        job_register(JobSpec("dossiers_late_scan", "tinhso.onestop.tasks.dossiers_late_scan", 30 * 60))
        # The outbox is sent by a worker loop (new rows and due retries), not a task per transition.
        loop_register(
            LoopSpec(
                "notifications_send",
                "tinhso.onestop.notices.outbox.notifications_drain",
                "NOTIFICATIONS_SEND_INTERVAL_SECONDS",
            )
        )
        area_register(Area("dossier_files", "dossiers", "services.DossierFile.file", dt.timedelta(hours=6)))
        # Uploads kept while a citizen corrects a form (tinhso.onestop.files.pending), never used.
        area_register(Area("pending_uploads", "pending", "", dt.timedelta(hours=24)))
        # A person leaving hands their open dossiers to a successor (tinhso.org.officers).
        open_work_register(OPEN_DOSSIERS)
