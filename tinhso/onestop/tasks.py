"""Background work of the one-stop shop, run by the worker; every task works from ids or the
database alone, so it is safe to retry and to run on several workers.

The outbox's sending tasks live beside the notices (:mod:`tinhso.onestop.notices.tasks`), which
enqueue them; they are named here too so that task rows queued under these paths still run.
"""

from __future__ import annotations

from django_tasks import task

from tinhso.onestop.deadlines import services as late
from tinhso.onestop.notices.tasks import notification_send, notifications_send

__all__ = ["dossiers_late_scan", "notification_send", "notifications_send"]


@task()
def dossiers_late_scan() -> int:
    """Every 30 minutes: flag dossiers due within one working day or late, warn their officers."""
    return late.dossiers_late_scan()
