"""The tasks that send the one-stop shop's outbox. They import nothing that enqueues them, so
:mod:`tinhso.onestop.notices.services` can enqueue them without an import cycle."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from . import outbox

log = logging.getLogger(__name__)


@task()
def notification_send(notification_id: int) -> str:
    """Send one outbox row (e-mail, SMS or Zalo); marks it SENT or FAILED, never raises."""
    return outbox.notification_deliver(notification_id)


@task()
def notifications_send(notification_ids: list[int]) -> dict[str, int]:
    """Send outbox rows one by one, each marked SENT or FAILED on its own (a failure never
    stops the others, nor makes a retry send a row twice); returns how many ended in each state."""
    states: dict[str, int] = {}
    for notification_id in notification_ids:
        state = outbox.notification_deliver(notification_id)
        states[state] = states.get(state, 0) + 1
    return states


def notifications_requeue(now: dt.datetime | None = None) -> int:
    """Enqueue again the rows nobody will send otherwise (:func:`outbox.notifications_due`);
    returns how many.

    A row the first task is still sending is not double-sent in practice (it is young), and
    never past MAX_ATTEMPTS; delivery skips SENT rows.
    """
    ids = outbox.notifications_due(now or timezone.now())
    if ids:
        notifications_send.enqueue(ids)
        log.info("notifications retried: %s", len(ids))
    return len(ids)


@task()
def notifications_retry() -> int:
    """Every 5 minutes: enqueue again failed notifications with attempts left and lost pending ones."""
    return notifications_requeue()
