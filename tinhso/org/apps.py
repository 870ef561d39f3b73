from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "tinhso.org"
    label = "org"
    verbose_name = _("Tổ chức và người dùng")

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module is imported before the models exist.
        from tinhso.core.scheduler import JobSpec, LoopSpec, job_register, loop_register

        job_register(JobSpec("account_codes_purge", "tinhso.org.accounts.tasks.codes_purge_run", 3600))
        # The notifications' outbox (mail, SMS) is sent by a worker loop, as the one-stop shop's.
        loop_register(
            LoopSpec(
                "notification_messages_send",
                "tinhso.org.notifications.tasks.messages_drain",
                "NOTIFICATIONS_SEND_INTERVAL_SECONDS",
            )
        )
