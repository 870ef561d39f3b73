"""Outbound channels: an e-mail or a short text (SMS, Zalo) to an address, and the delivery of
outbox rows with their retries, for every app that notifies people.

What is said, and to whom, belongs to the app (the one-stop shop's notices to applicants,
:mod:`tinhso.onestop.notices`); this module only carries it. An app keeps its messages in an
outbox table of its own, written in the transaction of the change it announces; a row has the
fields ``channel``, ``recipient``, ``subject``, ``body``, ``state`` (:data:`PENDING`,
:data:`SENT`, :data:`FAILED`), ``attempts``, ``error``, ``created_at`` and ``sent_at``, and the app
passes its model to :func:`outbox_drain` (what a worker loop runs) or :func:`outbox_deliver` (one
row, e.g. from a task).

Logs and stored errors never carry a whole phone number or e-mail address (:mod:`tinhso.core.privacy`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .privacy import mask_digits, mask_email

log = logging.getLogger(__name__)

# Channels (the values of the outbox's ``channel`` field).
EMAIL, SMS, ZALO = "email", "sms", "zalo"
TEXT_CHANNELS = (SMS, ZALO)
# States of an outbox row.
PENDING, SENT, FAILED = "pending", "sent", "failed"

_LONG_DIGITS = re.compile(r"\d{9,}")


# --- text providers ----------------------------------------------------------------------------


class TextProvider:
    """Sends a short text to a phone. One interface for SMS and Zalo (ZNS): a provider lists
    the channels it offers in ``channels`` and gets the channel with every message.

    Configured by class path in ``settings.TINHSO_SMS_PROVIDER``. ``send`` raises on failure
    (any exception); the message is then marked FAILED with a masked error text.
    """

    channels: tuple[str, ...] = (SMS,)

    def send(self, *, channel: str, phone: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSmsProvider(TextProvider):
    """Development provider: logs that a message would go, the phone masked, the body left out
    (it stays in the outbox row)."""

    def send(self, *, channel: str, phone: str, body: str) -> None:
        log.info(
            "%s to %s: %s characters, not sent (console provider), body not logged",
            channel,
            mask_digits(phone),
            len(body),
        )


@functools.lru_cache(maxsize=8)
def _provider_class(path: str) -> type[TextProvider]:
    return import_string(path)


def text_provider() -> TextProvider:
    return _provider_class(settings.TINHSO_SMS_PROVIDER)()


def text_channels() -> tuple[str, ...]:
    """The text channels the configured provider offers."""
    offered = _provider_class(settings.TINHSO_SMS_PROVIDER).channels
    return tuple(channel for channel in offered if channel in TEXT_CHANNELS)


# --- sending -----------------------------------------------------------------------------------


def message_send(*, channel: str, recipient: str, subject: str, body: str) -> None:
    """Send one message over ``channel`` (e-mail: Django's mail backend; texts: the provider,
    which gets the body only). Raises whatever the backend or provider raises."""
    if channel == EMAIL:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    else:
        text_provider().send(channel=channel, phone=recipient, body=body)


def masked_recipient(channel: str, recipient: str) -> str:
    return mask_email(recipient) if channel == EMAIL else mask_digits(recipient)


def scrub(text: str) -> str:
    """An error text fit for logs and the row: long digit runs (phones, ID numbers) masked."""
    return _LONG_DIGITS.sub(lambda match: mask_digits(match.group()), text)[:1000]


def outbox_deliver(outbox: type[models.Model], row_id: int, *, max_attempts: int) -> str:
    """Send one row of the ``outbox`` model; returns its state afterwards. Never raises for a
    failed send.

    Safe to run twice or on several workers: an attempt is claimed by a compare-and-set on
    ``attempts``, a SENT row is never sent again, and a row is tried at most ``max_attempts`` times.
    """
    rows = outbox._default_manager
    current = rows.filter(pk=row_id).values("state", "attempts").first()
    if current is None:
        return "missing"
    if current["state"] == SENT or current["attempts"] >= max_attempts:
        return current["state"]
    claimed = rows.filter(pk=row_id, attempts=current["attempts"], state__in=[PENDING, FAILED]).update(
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return current["state"]  # another worker is on it
    row = rows.values("channel", "recipient", "subject", "body", "attempts").get(pk=row_id)
    channel, recipient = row["channel"], row["recipient"]
    try:
        message_send(channel=channel, recipient=recipient, subject=row["subject"], body=row["body"])
    except Exception as error:  # any provider failure is recorded, never raised into the caller
        message = scrub(f"{type(error).__name__}: {error}")
        rows.filter(pk=row_id).update(state=FAILED, error=message)
        log.warning(
            "%s %s (%s to %s, attempt %s) failed: %s",
            outbox._meta.model_name,
            row_id,
            channel,
            masked_recipient(channel, recipient),
            row["attempts"],
            message,
        )
        return FAILED
    rows.filter(pk=row_id).update(state=SENT, sent_at=timezone.now(), error="")
    log.info("%s %s sent (%s to %s)", outbox._meta.model_name, row_id, channel, masked_recipient(channel, recipient))
    return SENT


def outbox_retry_due(*, now: dt.datetime, max_attempts: int, backoff: dt.timedelta) -> Q:
    """The rows to try now: never tried, or tried ``k`` times (FAILED, or PENDING when the
    sender died while sending) and created at least ``backoff × 4^(k-1)`` ago, while attempts
    are left. The backoff counts from the row's creation: the outbox keeps no time of the last
    attempt, and the first one follows the creation within a second."""
    due = Q(state=PENDING, attempts=0)
    for attempts in range(1, max_attempts):
        due |= Q(state__in=[PENDING, FAILED], attempts=attempts, created_at__lte=now - backoff * 4 ** (attempts - 1))
    return due


def outbox_drain(
    outbox: type[models.Model], *, now: dt.datetime, max_attempts: int, backoff: dt.timedelta, batch: int
) -> int:
    """Send the rows of ``outbox`` that are due (:func:`outbox_retry_due`), oldest first, in
    batches of ``batch``; returns how many were tried. What a worker loop runs every second or so.

    A batch is one transaction: its rows are locked while they are sent (``FOR UPDATE SKIP
    LOCKED`` on PostgreSQL, so a second worker passes them by and takes the next ones; SQLite
    serialises writers, and the claim below is the batch's first write), then marked SENT in one
    update, or FAILED each with its masked error. A worker killed in the middle of a batch rolls
    it back whole: those rows are tried again, and a message may then reach its recipient twice
    (at least once, never lost). Three statements per batch, whatever its size.
    """
    rows = outbox._default_manager
    tried = 0
    while True:
        with transaction.atomic():
            due = rows.filter(outbox_retry_due(now=now, max_attempts=max_attempts, backoff=backoff)).order_by("pk")
            if transaction.get_connection().features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            claimed = list(due.values("pk", "channel", "recipient", "subject", "body", "attempts")[:batch])
            if not claimed:
                return tried
            rows.filter(pk__in=[row["pk"] for row in claimed]).update(attempts=F("attempts") + 1)
            sent = []
            for row in claimed:
                if _send_row(outbox, row):
                    sent.append(row["pk"])
            rows.filter(pk__in=sent).update(state=SENT, sent_at=timezone.now(), error="")
        tried += len(claimed)
        if len(claimed) < batch:
            return tried


def _send_row(outbox: type[models.Model], row: dict) -> bool:
    """Send one claimed row; True if it went, else the row is marked FAILED with the error."""
    channel, recipient, attempt = row["channel"], row["recipient"], row["attempts"] + 1
    try:
        message_send(channel=channel, recipient=recipient, subject=row["subject"], body=row["body"])
    except Exception as error:  # any provider failure is recorded, never raised into the loop
        message = scrub(f"{type(error).__name__}: {error}")
        outbox._default_manager.filter(pk=row["pk"]).update(state=FAILED, error=message)
        log.warning(
            "%s %s (%s to %s, attempt %s) failed: %s",
            outbox._meta.model_name,
            row["pk"],
            channel,
            masked_recipient(channel, recipient),
            attempt,
            message,
        )
        return False
    log.info("%s %s sent (%s to %s)", outbox._meta.model_name, row["pk"], channel, masked_recipient(channel, recipient))
    return True
