from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "tinhso.site"
    label = "site"
    verbose_name = _("Trang chung")

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module is imported before the models exist.
        from tinhso.core.scheduler import JobSpec, job_register
        from tinhso.ledger.api import auditor_check_register
        from tinhso.org.access import can
        from tinhso.org.roles import Perm

        job_register(JobSpec("storage_sweep", "tinhso.site.tasks.storage_sweep_task", 3600))
        auditor_check_register(lambda user: can(user, Perm.LEDGER_AUDIT))
