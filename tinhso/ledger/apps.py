from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "tinhso.ledger"
    label = "ledger"
    verbose_name = _("Sổ cái kiểm toán")

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module is imported before the models exist.
        from tinhso.core.scheduler import JobSpec, LoopSpec, job_register, loop_register

        job_register(
            JobSpec("ledger_checkpoint", "tinhso.ledger.tasks.checkpoint_sign_task", settings.LEDGER_CHECKPOINT_SECONDS)
        )
        loop_register(LoopSpec("ledger_seal", "tinhso.ledger.services.ledger_seal", "LEDGER_SEAL_INTERVAL_SECONDS"))
