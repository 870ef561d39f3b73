"""Sending the notifications' outbox (:class:`NotificationMessage`) through core's channels.

As for the one-stop shop's outbox (``tinhso.onestop.notices.outbox``), a worker loop drains it:
new rows and failed ones whose backoff has passed, in batches locked while they are sent, so
several workers never send a row twice (:func:`tinhso.core.channels.outbox_drain`). A backend
that runs tasks at once (tests, a development server without a worker) sends each new row after
commit through :func:`messages_send` instead.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from tinhso.core import channels
from tinhso.org.models import NotificationMessage

MAX_ATTEMPTS = 3
# A row tried k times is tried again RETRY_BACKOFF × 4^(k-1) after its creation (1, then 4 minutes).
RETRY_BACKOFF = dt.timedelta(minutes=1)
SEND_BATCH = 100


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


def messages_drain(now: dt.datetime | None = None) -> int:
    """Send every row that is due; returns how many were tried. The worker's loop."""
    return channels.outbox_drain(
        NotificationMessage,
        now=now or timezone.now(),
        max_attempts=MAX_ATTEMPTS,
        backoff=RETRY_BACKOFF,
        batch=SEND_BATCH,
    )
