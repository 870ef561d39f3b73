"""Writes of the notifications: notify people, mark read, choose channels.

:func:`notify` is what every app calls where something happens to someone: it writes the
in-app row in the caller's transaction and, for each channel the person wants (or the law
requires), an outbox row that core's channels send after commit. A rolled-back change leaves
neither. The notification rows are not ledgered: the change they announce is (a dossier's
step, a report's review, a reminder's round), and a row holds nothing that is not derived from
it. What a person does with them is: marking read (evidence that a warning was seen) and
choosing channels are ledgered writes of their own.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend

from tinhso.core import channels
from tinhso.core.errors import DomainError, NotFound
from tinhso.ledger.services import ledger_append
from tinhso.org import rules
from tinhso.org.models import Notification, NotificationMessage, NotificationPreference

from . import tasks
from .kinds import CHOSEN_CHANNELS, EMAIL, SMS, NotificationKind, kind_get, kinds

if TYPE_CHECKING:
    from tinhso.org.models import Person

SUBJECT_CHARS = 300
TEXT_CHARS = 300


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wanted(kind: NotificationKind, people: list[Person]) -> dict[int, set[str]]:
    """Person id → the chosen channels on for ``kind`` (their choice, else the default; required on)."""
    chosen: dict[tuple[int, str], bool] = {
        (person_id, channel): enabled
        for person_id, channel, enabled in NotificationPreference.objects.filter(
            person__in=[person.pk for person in people], kind=kind.code
        ).values_list("person_id", "channel", "enabled")
    }
    return {
        person.pk: {channel for channel in CHOSEN_CHANNELS if kind.is_on(channel, chosen.get((person.pk, channel)))}
        for person in people
    }


def _messages(
    notification: Notification, person: Person, wanted: set[str], texts: tuple[str, ...], subject: str, body: str
) -> list[NotificationMessage]:
    """The outbox rows of one notification: an e-mail (``subject`` and ``body`` when the caller
    wrote them, else made of the verb and the object) and a text, as wanted and possible."""
    if not subject:
        subject = (
            _("[Tỉnh số] %(verb)s: %(object)s") % {"verb": notification.verb, "object": notification.object_label}
            if notification.object_label
            else _("[Tỉnh số] %(verb)s") % {"verb": notification.verb}
        )
    link = f"{settings.TINHSO_PUBLIC_URL.rstrip('/')}{notification.link}" if notification.link else ""
    see = [_("Xem tại: %(link)s") % {"link": link}] if link else []
    rows = []
    if EMAIL in wanted and person.email:
        if body:
            lines = [body, *(["", *see] if see else [])]
        else:
            lines = [notification.verb, notification.object_label, "", *see, ""]
            lines.append(_("Thư này được gửi tự động từ hệ thống Tỉnh số, vui lòng không trả lời."))
        rows.append(
            NotificationMessage(
                notification=notification,
                channel=EMAIL,
                recipient=person.email,
                subject=_short(subject, SUBJECT_CHARS),
                body="\n".join(lines),
            )
        )
    if SMS in wanted and person.phone and SMS in texts:
        text = f"{notification.verb}: {notification.object_label}" if notification.object_label else notification.verb
        rows.append(
            NotificationMessage(
                notification=notification,
                channel=SMS,
                recipient=person.phone,
                subject=_short(subject, SUBJECT_CHARS),
                body=_short(text, TEXT_CHARS),
            )
        )
    return rows


def notify(
    recipient: Person,
    kind: str,
    *,
    verb: str,
    object_label: str = "",
    link: str = "",
    subject: str = "",
    body: str = "",
) -> Notification | None:
    """Tell ``recipient`` that ``verb`` happened to ``object_label`` (see it at ``link``, a path
    on this site). ``subject`` and ``body``, when given, are the e-mail's (the link is added to
    it); else the e-mail says the verb and the object. Call it inside the transaction of the
    change it announces. Returns the in-app row (``None`` for an inactive person)."""
    made = notify_many([recipient], kind, verb=verb, object_label=object_label, link=link, subject=subject, body=body)
    return made[0] if made else None


def notify_many(
    recipients: Iterable[Person],
    kind: str,
    *,
    verb: str,
    object_label: str = "",
    link: str = "",
    subject: str = "",
    body: str = "",
) -> list[Notification]:
    """:func:`notify` for several people told the same thing (each once): one insert of the rows,
    one of the outbox, one sending task. Inactive people are skipped."""
    spec = kind_get(kind)
    people = list({person.pk: person for person in recipients if person.is_active}.values())
    if not people:
        return []
    with transaction.atomic():
        made = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=person,
                    kind=kind,
                    verb=_short(verb, 200),
                    object_label=_short(object_label, 300),
                    link=link[:300],
                )
                for person in people
            ]
        )
        wanted = _wanted(spec, people)
        texts = channels.text_channels()
        messages: list[NotificationMessage] = []
        with translation.override(settings.LANGUAGE_CODE):
            for notification, person in zip(made, people, strict=True):
                wanted_here = wanted[person.pk] - spec.carried_by_app
                messages += _messages(notification, person, wanted_here, texts, subject, body)
        if messages:
            ids = [row.pk for row in NotificationMessage.objects.bulk_create(messages)]
            transaction.on_commit(functools.partial(_enqueue, ids), robust=True)
    return made


def _enqueue(ids: list[int]) -> None:
    # With the database task backend a worker runs, and its loop (tasks.messages_drain) sends the
    # rows within a second: no task per message. A backend that runs tasks at once (tests, a
    # development server without a worker) sends them here, after commit.
    if not isinstance(tasks.messages_send.get_backend(), DatabaseBackend):
        tasks.messages_send.enqueue(ids)


@transaction.atomic
def notification_read(*, actor: Person, notification: Notification) -> Notification:
    """Mark the actor's notification read (once: reading it again changes nothing). The caller
    fetched it with :func:`tinhso.org.notifications.access.access_notification`."""
    if not rules.may_read_notification(actor, notification):  # access_notification never hands out another's
        raise NotFound(_("Không tìm thấy thông báo."), code="not_found")
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        notification.read_at = now
        ledger_append(
            actor=actor, action="org.notification.read", obj=notification, payload={"kind": notification.kind}
        )
    else:
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, actor: Person) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    ids = list(unread.values_list("pk", flat=True))
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
    ledger_append(actor=actor, action="org.notification.read_all", obj=actor, payload={"notifications": ids})
    return len(ids)


@transaction.atomic
def notification_preferences_set(*, actor: Person, choices: Mapping[str, Mapping[str, bool]]) -> int:
    """Set the actor's channels: ``choices`` maps a kind's code to {channel: on}. Kinds and
    channels not named keep what they were. Turning off a channel the law requires is refused,
    as is an unknown kind or channel, and then nothing is saved. Returns how many choices changed."""
    known = {kind.code: kind for kind in kinds()}
    for code, chosen in choices.items():
        spec = known.get(code)
        if spec is None:
            raise DomainError(
                _("Không có loại thông báo “%(kind)s”.") % {"kind": code}, field="kind", code="unknown_kind"
            )
        for channel, on in chosen.items():
            if channel not in CHOSEN_CHANNELS:
                raise DomainError(
                    _("Không có kênh “%(channel)s”.") % {"channel": channel}, field="channel", code="unknown_channel"
                )
            if channel in spec.required and not on:
                raise DomainError(
                    _("Không tắt được kênh bắt buộc của “%(kind)s”: %(reason)s")
                    % {"kind": spec.label, "reason": spec.reason},
                    field="channel",
                    code="required_channel",
                )
    current = {(row.kind, row.channel): row for row in NotificationPreference.objects.filter(person=actor)}
    changes: list[list[object]] = []
    for code, chosen in choices.items():
        spec = known[code]
        for channel, on in chosen.items():
            if channel in spec.required:
                continue
            row = current.get((code, channel))
            before = spec.is_on(channel, row.enabled if row is not None else None)
            if row is None:
                NotificationPreference.objects.create(person=actor, kind=code, channel=channel, enabled=on)
            elif row.enabled != on:
                row.enabled = on
                row.save(update_fields=["enabled"])
            if before != on:
                changes.append([code, channel, on])
    if changes:
        ledger_append(actor=actor, action="org.notification_preference.set", obj=actor, payload={"changes": changes})
    return len(changes)
