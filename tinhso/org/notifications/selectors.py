"""Reads of the notifications: a person's list, their unread count, their channel choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tinhso.org.models import Notification, NotificationPreference, RoleAssignment
from tinhso.org.roles import Role

from .kinds import APPLICANTS, CHANNEL_LABELS, CHOSEN_CHANNELS, OFFICERS, NotificationKind, kinds

if TYPE_CHECKING:
    from tinhso.org.models import Person


def notification_list(*, person: Person) -> QuerySet[Notification]:
    """``person``'s notifications, newest first."""
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-pk")


def notification_unread_count(*, person: Person) -> int:
    """One indexed COUNT (recipient, read_at)."""
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


@dataclass(frozen=True)
class ChannelChoice:
    channel: str
    label: str
    on: bool
    required: bool


@dataclass(frozen=True)
class KindChoices:
    kind: NotificationKind
    channels: list[ChannelChoice]


def notification_kinds_for(*, person: Person) -> list[NotificationKind]:
    """The kinds that can reach ``person``: the officers' if they hold a role on an agency, the
    applicants' if they hold the citizen role (both for someone who is both)."""
    roles = set(RoleAssignment.objects.active().filter(person=person).values_list("role", flat=True))
    audiences = set()
    if roles - {Role.CITIZEN, Role.SYSTEM_ADMIN}:
        audiences.add(OFFICERS)
    if Role.CITIZEN in roles:
        audiences.add(APPLICANTS)
    return [kind for kind in kinds() if kind.audience in audiences]


def notification_preference_table(*, person: Person) -> list[KindChoices]:
    """The kinds that can reach ``person`` × the chosen channels, as they are for them (their
    choice, else the kind's default; a required channel is on)."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(person=person).values_list(
            "kind", "channel", "enabled"
        )
    }
    return [
        KindChoices(
            kind=kind,
            channels=[
                ChannelChoice(
                    channel=channel,
                    label=str(CHANNEL_LABELS[channel]),
                    on=kind.is_on(channel, chosen.get((kind.code, channel))),
                    required=channel in kind.required,
                )
                for channel in CHOSEN_CHANNELS
            ],
        )
        for kind in notification_kinds_for(person=person)
    ]
