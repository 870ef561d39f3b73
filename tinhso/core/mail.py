"""A mail backend for installs that send no mail: the embedded default and debug runs.

Django's console backend writes every message whole (addresses, bodies) to standard output,
which ends up in the service's log. This one logs one line per message instead: sender,
recipients masked (:func:`tinhso.core.privacy.mask_email`), the subject with long digit runs
masked, and the body's length, never the body itself (a reason given to an applicant may
hold anything). The messages themselves stay readable where they are kept (the notification
outbox, the reminders).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from email.utils import parseaddr

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from .privacy import mask_digits, mask_email

log = logging.getLogger("tinhso.mail")

_EMAIL = re.compile(r"[^\s<>@,;:\"]+@[^\s<>@,;:\"]+")
_LONG_DIGITS = re.compile(r"\d{9,}")


def mask_text(text: str) -> str:
    """``text`` with e-mail addresses and runs of 9+ digits (phones, ID numbers) masked."""
    text = _EMAIL.sub(lambda match: mask_email(match.group()), text)
    return _LONG_DIGITS.sub(lambda match: mask_digits(match.group()), text)


def _masked_address(address: str) -> str:
    """The address part only (a display name is a person's name), masked."""
    return mask_email(parseaddr(address)[1]) or "***"


class MaskedConsoleBackend(BaseEmailBackend):
    """Logs each message (masked) instead of sending it; see the module docstring."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            log.info(
                "mail not sent (no EMAIL_BACKEND): from %s to %s, subject %r, body of %s characters not logged",
                _masked_address(str(message.from_email)),
                ", ".join(_masked_address(item) for item in recipients),
                mask_text(str(message.subject)),
                len(str(message.body)),
            )
            sent += 1
        return sent
