"""The one-stop shop's outbox (:class:`Notification`) as core's channels deliver it: how many
times a row is tried and how long to wait between tries. Below the notices' services and tasks,
so the sending needs nothing that writes the outbox.

The worker sends the outbox with a loop (:func:`notifications_drain`, registered in the app's
``ready()`` as the ledger's sealer is, every ``NOTIFICATIONS_SEND_INTERVAL_SECONDS``): no task
row per transition, one pass for every row written since the last one, and the failed rows
tried again when their backoff has passed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tinhso.core import channels
from tinhso.onestop.models import Notification

# A row is tried at most this many times.
MAX_ATTEMPTS = 3
# A row tried k times is tried again RETRY_BACKOFF × 4^(k-1) after its creation (1, then 4 minutes).
RETRY_BACKOFF = dt.timedelta(minutes=1)
# Rows sent per transaction of the loop (locked while they are sent); it loops until none is due.
SEND_BATCH = 100


def notification_deliver(notification_id: int) -> str:
    """Send one outbox row; returns its state afterwards. Never raises for a failed send.

    Safe to run twice or on several workers (:func:`tinhso.core.channels.outbox_deliver`).
    """
    return channels.outbox_deliver(Notification, notification_id, max_attempts=MAX_ATTEMPTS)


def notifications_drain(now: dt.datetime | None = None) -> int:
    """Send every row that is due: new ones, and failed ones whose backoff has passed; returns
    how many were tried. The worker's loop; safe on several workers at once
    (:func:`tinhso.core.channels.outbox_drain`)."""
    return channels.outbox_drain(
        Notification,
        now=now or timezone.now(),
        max_attempts=MAX_ATTEMPTS,
        backoff=RETRY_BACKOFF,
        batch=SEND_BATCH,
    )
