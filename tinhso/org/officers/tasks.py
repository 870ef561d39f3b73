"""Sending new officers their activation link (after the commit that created their accounts).

By ids, safe to retry: each run makes a fresh link from the account (the token is never
stored) and sends it to the officer's e-mail address, or by text to their phone when they have
no address. A failed send is logged with the address masked and does not stop the others; the
officers' page offers "send the link again".
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from tinhso.core import channels

from ..models import Person
from .tokens import activation_path

log = logging.getLogger(__name__)


def activation_message(person: Person) -> tuple[str, str]:
    """(subject, body) of ``person``'s activation message, in Vietnamese, with a fresh link."""
    link = settings.TINHSO_PUBLIC_URL + activation_path(person)
    subject = _("[Tỉnh số] Kích hoạt tài khoản cán bộ")
    body = "\n".join(
        [
            _("Chào %(name)s,") % {"name": person.full_name},
            _("Tài khoản của bạn trên Tỉnh số đã được tạo (tên đăng nhập: %(username)s).")
            % {"username": person.username},
            _("Mở liên kết sau để đặt mật khẩu, rồi đăng nhập để làm việc:"),
            link,
            _("Liên kết chỉ dùng được một lần và hết hạn sau %(days)d ngày.")
            % {"days": settings.PASSWORD_RESET_TIMEOUT // 86400},
        ]
    )
    return subject, body


def invitation_send(person: Person) -> bool:
    """Send one activation message; False (logged, masked) when the channel failed."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = activation_message(person)
    if person.email:
        channel, recipient = channels.EMAIL, person.email
    else:
        offered = channels.text_channels()
        if not person.phone or not offered:
            log.warning("officer %s: no address to send the activation link to", person.pk)
            return False
        channel, recipient = offered[0], person.phone
    try:
        channels.message_send(channel=channel, recipient=recipient, subject=subject, body=body)
    except Exception as error:  # any backend failure: logged, never raised into the batch
        log.warning(
            "officer %s: activation link to %s failed: %s",
            person.pk,
            channels.masked_recipient(channel, recipient),
            channels.scrub(f"{type(error).__name__}: {error}"),
        )
        return False
    log.info(
        "officer %s: activation link sent (%s to %s)", person.pk, channel, channels.masked_recipient(channel, recipient)
    )
    return True


@task()
def officers_invite_send(person_ids: list[int]) -> dict[str, int]:
    """Send the activation link to each of these active accounts; returns how many went and failed."""
    sent = failed = 0
    for person in Person.objects.filter(pk__in=person_ids, is_active=True).order_by("pk"):
        if invitation_send(person):
            sent += 1
        else:
            failed += 1
    return {"sent": sent, "failed": failed}
