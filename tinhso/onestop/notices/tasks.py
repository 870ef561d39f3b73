"""The tasks that send outbox rows when no worker loop does: with a task backend other than the
database one (the immediate backend of tests and of a development server without a worker), a
transition enqueues :func:`notifications_send` once it commits. With the database backend the
worker's loop (:func:`tinhso.onestop.notices.outbox.notifications_drain`) sends them instead.
They import nothing that enqueues them, so :mod:`tinhso.onestop.notices.services` can enqueue
them without an import cycle."""

from __future__ import annotations

from django_tasks import task

from . import outbox


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
