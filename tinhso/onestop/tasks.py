"""Background work of the one-stop shop, run by the worker; every task works from ids or the
database alone, so it is safe to retry and to run on several workers."""

from __future__ import annotations

from django_tasks import task

from tinhso.onestop.deadlines import services as late
from tinhso.onestop.notices import services as notify


@task()
def notification_send(notification_id: int) -> str:
    """Send one outbox row (e-mail, SMS or Zalo); marks it SENT or FAILED, never raises."""
    return notify.notification_deliver(notification_id)


@task()
def notifications_send(notification_ids: list[int]) -> dict[str, int]:
    """Send outbox rows one by one, each marked SENT or FAILED on its own (a failure never
    stops the others, nor makes a retry send a row twice); returns how many ended in each state."""
    states: dict[str, int] = {}
    for notification_id in notification_ids:
        state = notify.notification_deliver(notification_id)
        states[state] = states.get(state, 0) + 1
    return states


@task()
def notifications_retry() -> int:
    """Every 5 minutes: enqueue again failed notifications with attempts left and lost pending ones."""
    return notify.notifications_retry()


@task()
def dossiers_late_scan() -> int:
    """Every 30 minutes: flag dossiers due within one working day or late, warn their officers."""
    return late.dossiers_late_scan()
