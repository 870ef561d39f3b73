"""The tasks that send the notifications' outbox (:class:`NotificationMessage`) through core's
channels, each row tried and retried on its own (:func:`tinhso.core.channels.outbox_deliver`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from tinhso.core import channels
from tinhso.org.models import NotificationMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A PENDING row older than this lost its task (the enqueue after commit failed, a worker died).
RETRY_PENDING_AFTER = dt.timedelta(minutes=5)
RETRY_BATCH = 500


def message_deliver(message_id: int) -> str:
    """Send one row; its state afterwards. Never raises for a failed send; safe to run twice."""
    return channels.outbox_deliver(NotificationMessage, message_id, max_attempts=MAX_ATTEMPTS)


@task()
def messages_send(message_ids: list[int]) -> dict[str, int]:
    """Send the rows one by one (a failure never stops the others); how many ended in each state."""
    states: dict[str, int] = {}
    for message_id in message_ids:
        state = message_deliver(message_id)
        states[state] = states.get(state, 0) + 1
    return states


def messages_requeue(now: dt.datetime | None = None) -> int:
    """Enqueue again the rows nobody will send otherwise; returns how many."""
    ids = channels.outbox_due(
        NotificationMessage,
        now=now or timezone.now(),
        max_attempts=MAX_ATTEMPTS,
        pending_after=RETRY_PENDING_AFTER,
        limit=RETRY_BATCH,
    )
    if ids:
        messages_send.enqueue(ids)
        log.info("notification messages retried: %s", len(ids))
    return len(ids)


@task()
def messages_retry() -> int:
    """Every 5 minutes: failed messages with attempts left and lost pending ones."""
    return messages_requeue()
