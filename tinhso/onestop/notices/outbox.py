"""The one-stop shop's outbox (:class:`Notification`) as core's channels deliver it: how many
times a row is tried, when a pending row counts as lost. Below the notices' services and tasks,
so the sending tasks need nothing that enqueues them."""

from __future__ import annotations

import datetime as dt

from tinhso.core import channels
from tinhso.onestop.models import Notification

# A row is tried at most this many times (a retried task, or a later re-enqueue of FAILED rows).
MAX_ATTEMPTS = 3
# A PENDING row older than this lost its task (enqueue failed after commit, or a worker died).
RETRY_PENDING_AFTER = dt.timedelta(minutes=5)
RETRY_BATCH = 500


def notification_deliver(notification_id: int) -> str:
    """Send one outbox row; returns its state afterwards. Never raises for a failed send.

    Safe to run twice or on several workers (:func:`tinhso.core.channels.outbox_deliver`).
    """
    return channels.outbox_deliver(Notification, notification_id, max_attempts=MAX_ATTEMPTS)


def notifications_due(now: dt.datetime) -> list[int]:
    """The rows to enqueue again: FAILED ones with attempts left, and PENDING ones older than
    RETRY_PENDING_AFTER whose task was lost."""
    return channels.outbox_due(
        Notification, now=now, max_attempts=MAX_ATTEMPTS, pending_after=RETRY_PENDING_AFTER, limit=RETRY_BATCH
    )
